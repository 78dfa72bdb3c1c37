"""The pipeline from interest to paid work: proposals, development placements, jobs and buddies.

Rows here are about a job seeker, so who may see them follows the job seeker's municipality
(DESIGN.md section 4; see ``placements.access``). State changes go through ``placements.services``:
one function per transition, each checking that it is allowed.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import is_employer_contact, scope_to_municipalities, works_in_back_office
from baanbrekers.fields import PhoneField
from baanbrekers.validators import (
    HoursPerWeekValidator,
    TextLengthValidator,
    validate_in_planning_window,
    validate_not_in_future,
    validate_not_too_long_ago,
)
from employers.models import Employer, EmployerContact, Opening
from jobseekers.models import BenefitType, ConsentKind, JobSeeker

# How long a development placement lasts and how often it may be extended is policy, not law:
# settings.PLACEMENT_* (baanbrekers/settings/base.py, overridable from the environment). The
# services and forms check them; the database only keeps what must always hold.


class ProposalAnswer(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    INTERESTED = "interested", _("Interested")
    NOT_NOW = "not_now", _("Not now")
    NO = "no", _("No")


# Who sees proposals, placements, jobs and buddy pairs (DESIGN.md §4): everything here is about
# a job seeker, so the back office sees the rows of the job seekers of its municipalities;
# aldermen see aggregates only (``placements.selectors.pipeline_counts``), never a person.
JOBSEEKER_MUNICIPALITY = "jobseeker__municipality"
# Proposals and placements also hold that municipality in a column of their own (``municipality``,
# kept by the database: migration 0011's triggers copy it from the person on every insert and
# follow the person when they move). The scope is the same; read from the row itself, a region's
# board columns and lists walk their own rows in order (an index per municipality) instead of
# every row of the country, each joined to its person to see whether it is theirs.
OWN_MUNICIPALITY = "municipality"


def _own_municipality(verbose_name):
    """The copy of the job seeker's municipality (see OWN_MUNICIPALITY): written by the
    database, never by the application (a saved instance holds None until read again; what the
    application sends is ignored). NOT NULL in the database, which fills it before the check."""
    return models.ForeignKey(
        "baanbrekers.Municipality",
        on_delete=models.PROTECT,
        blank=True,
        editable=False,
        db_index=False,  # the board's indexes start with it
        related_name="+",
        verbose_name=verbose_name,
    )


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region; for an employer contact the proposals to their own
        companies of people who consent to sharing an anonymised profile today."""
        if works_in_back_office(user):
            return scope_to_municipalities(self, user, OWN_MUNICIPALITY)
        if is_employer_contact(user):
            return self.filter(
                opening__employer__in=Employer.objects.visible_to(user),
                jobseeker__in=JobSeeker.objects.consenting_to(ConsentKind.SHARE_PROFILE),
            )
        return self.none()


class DevelopmentPlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region; for an employer contact the placements at their own
        companies."""
        if works_in_back_office(user):
            return scope_to_municipalities(self, user, OWN_MUNICIPALITY)
        if is_employer_contact(user):
            return self.filter(employer__in=Employer.objects.visible_to(user))
        return self.none()


class JobOutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region; for an employer contact the jobs at their own companies
        (they employ the person, and answer the "still working?" checks in the portal)."""
        if works_in_back_office(user):
            return scope_to_municipalities(self, user, JOBSEEKER_MUNICIPALITY)
        if is_employer_contact(user):
            return self.filter(employer__in=Employer.objects.visible_to(user))
        return self.none()


class BuddyPairingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region only."""
        return scope_to_municipalities(self, user, JOBSEEKER_MUNICIPALITY)


class Proposal(models.Model):
    """A job seeker proposed to an employer for an opening; the employer answers.

    Until ``introduction_agreed`` the employer sees only the anonymised profile.
    """

    jobseeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("job seeker")
    )
    opening = models.ForeignKey(
        Opening, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("opening")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    motivation = models.TextField(
        _("why this person"), blank=True, validators=[TextLengthValidator("reason")]
    )
    match_score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    answer = models.CharField(
        _("employer's answer"),
        max_length=12,
        choices=ProposalAnswer.choices,
        default=ProposalAnswer.PENDING,
    )
    answer_reason = models.TextField(
        _("reason"), blank=True, validators=[TextLengthValidator("reason")]
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )
    introduction_agreed = models.BooleanField(_("introduction agreed"), default=False)
    introduction_agreed_at = models.DateTimeField(
        _("introduction agreed at"), null=True, blank=True
    )
    municipality = _own_municipality(_("job seeker's municipality"))

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-proposed_at", "-id"]
        indexes = [
            models.Index(fields=["opening", "answer"], name="proposal_opening_answer_idx"),
            # The board's "awaiting answer" column (oldest first), read in order (0008).
            models.Index(
                fields=["answer", "proposed_at", "id"], name="proposal_answer_proposed_idx"
            ),
            # The API's list (newest first), read in order (0008); also the roll-up's change
            # detection on proposed_at (stats/rollup.py, Source.changed).
            models.Index(fields=["-proposed_at", "-id"], name="proposal_list_order_idx"),
            # The board's "interested" column (latest answer first) for a whole region.
            models.Index(
                fields=["answer", "-answered_at", "-id"], name="proposal_answer_answered_idx"
            ),
            # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
            models.Index(fields=["answered_at"], name="proposal_answered_idx"),
            # A region's board columns (awaiting answer, oldest first; interested, latest answer
            # first), from its own rows (OWN_MUNICIPALITY, 0012).
            models.Index(
                fields=["municipality", "answer", "proposed_at", "id"],
                name="proposal_muni_proposed_idx",
            ),
            models.Index(
                fields=["municipality", "answer", "-answered_at", "-id"],
                name="proposal_muni_answered_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["jobseeker", "opening"], name="proposal_once_per_opening"
            ),
            models.CheckConstraint(
                condition=~models.Q(answer__in=["not_now", "no"]) | ~models.Q(answer_reason=""),
                name="proposal_refusal_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.jobseeker} → {self.opening}"

    def get_absolute_url(self) -> str:
        return reverse("placements:proposal_detail", args=[self.pk])


class PlacementStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


# Statuses that hold one of the opening's places.
PLACE_TAKING_STATUSES = (PlacementStatus.AGREED, PlacementStatus.ACTIVE)
FINAL_STATUSES = (PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY)


class PlacementOutcome(models.TextChoices):
    PAID_JOB_HERE = "paid_job_here", _("Paid job at this employer")
    PAID_JOB_ELSEWHERE = "paid_job_elsewhere", _("Paid job elsewhere")
    TRAINING = "training", _("Further training")
    NONE = "none", _("None")


class DevelopmentPlacement(models.Model):
    """An ontwikkelplek: a job seeker learns on the job at an employer for a few months, keeping
    their benefit, with a supervisor at the company and evaluations halfway and at the end."""

    jobseeker = models.ForeignKey(
        JobSeeker,
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("job seeker"),
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="placements", verbose_name=_("employer")
    )
    opening = models.ForeignKey(
        Opening,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("opening"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("proposal"),
    )
    supervisor = models.ForeignKey(
        EmployerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_placements",
        verbose_name=_("supervisor at the company"),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="placements",
        verbose_name=_("caseworker"),
    )
    start_date = models.DateField(_("start"), validators=[validate_in_planning_window])
    planned_end_date = models.DateField(_("planned end"), validators=[validate_in_planning_window])
    original_end_date = models.DateField(_("originally planned end"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[HoursPerWeekValidator()]
    )
    learning_goals = models.TextField(_("learning goals"), validators=[TextLengthValidator("note")])
    benefit_kept = models.BooleanField(_("benefit continues"), default=True)
    insurance_arranged = models.BooleanField(_("insurance arranged"), default=False)
    no_displacement_confirmed = models.BooleanField(
        _("checked: does not replace a regular job"), default=False
    )
    no_displacement_note = models.TextField(
        _("how displacement was ruled out"), blank=True, validators=[TextLengthValidator("reason")]
    )
    no_displacement_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("displacement checked by"),
    )
    no_displacement_checked_at = models.DateTimeField(
        _("displacement checked at"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PlacementStatus.choices,
        default=PlacementStatus.PROPOSED,
    )
    extension_count = models.PositiveSmallIntegerField(_("times extended"), default=0)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(
        _("reason for ending"), blank=True, validators=[TextLengthValidator("reason")]
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=PlacementOutcome.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    municipality = _own_municipality(_("job seeker's municipality"))

    objects = DevelopmentPlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("development placement")
        verbose_name_plural = _("development placements")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["status", "planned_end_date"], name="placement_status_end_idx"),
            models.Index(fields=["opening", "status"], name="placement_opening_status_idx"),
            # The board's columns and the API's list, each read in its order and stopped after
            # a page (0008): proposed and agreed by start, finished latest first, all newest
            # first.
            models.Index(fields=["status", "start_date", "id"], name="placement_status_start_idx"),
            models.Index(
                models.OrderBy(models.F("ended_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(status__in=["completed", "ended_early"]),
                name="placement_finished_idx",
            ),
            models.Index(fields=["-start_date", "-id"], name="placement_start_order_idx"),
            # The board's "in progress" column, soonest end first (0010). The planner joins the
            # active placements to the municipality's people and sorts the few that match; with
            # the person in the index that join reads no table rows (national: 360 -> 77 ms).
            models.Index(
                fields=["planned_end_date", "id"],
                include=["jobseeker"],
                condition=models.Q(status="active"),
                name="placement_active_order_idx",
            ),
            # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
            models.Index(fields=["updated_at"], name="placement_updated_idx"),
            # A region's board columns from its own rows (OWN_MUNICIPALITY, 0012): proposed and
            # agreed by start, in progress by planned end, finished latest first.
            models.Index(
                fields=["municipality", "status", "start_date", "id"],
                name="placement_muni_start_idx",
            ),
            models.Index(
                fields=["municipality", "planned_end_date", "id"],
                condition=models.Q(status="active"),
                name="placement_muni_active_idx",
            ),
            models.Index(
                models.F("municipality"),
                models.OrderBy(models.F("ended_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(status__in=["completed", "ended_early"]),
                name="placement_muni_finished_idx",
            ),
        ]
        constraints = [
            # Double work is impossible: at most one active placement per job seeker.
            models.UniqueConstraint(
                fields=["jobseeker"],
                condition=models.Q(status="active"),
                name="placement_one_active_per_jobseeker",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end_date__gt=models.F("start_date")),
                name="placement_end_after_start",
            ),
            # A proposed placement may end early (it did not go ahead) before anyone checked
            # for displacement; one that started always had the check.
            models.CheckConstraint(
                condition=~models.Q(status__in=["agreed", "active", "completed"])
                & ~models.Q(status="ended_early", started_on__isnull=False)
                | models.Q(no_displacement_confirmed=True),
                name="placement_agreed_only_without_displacement",
            ),
        ]

    def __str__(self):
        return f"{self.jobseeker} @ {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.pk])

    def clean(self):
        """The placement rules of the limits table (baanbrekers/limits.py) that need two fields."""
        from baanbrekers.limits import placement_earliest_start
        from baanbrekers.validators import date_format

        super().clean()
        errors = {}
        earliest = placement_earliest_start()
        if self.pk is None and self.start_date and self.start_date < earliest:
            errors["start_date"] = _(
                "A new placement starts on %(earliest)s or later; one that started longer ago "
                "should have been recorded then."
            ) % {"earliest": date_format(earliest)}
        # The job seeker keeps their benefit during a development placement: without it this is
        # paid work (record a job) or displacement.
        if (
            not self.benefit_kept
            and self.jobseeker_id
            and self.jobseeker.benefit_type != BenefitType.NONE
        ):
            errors["benefit_kept"] = _(
                "%(name)s has a benefit, which continues during a development placement. Tick "
                "'benefit continues', or record paid work instead."
            ) % {"name": self.jobseeker}
        if errors:
            raise ValidationError(errors)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def midpoint(self) -> datetime.date:
        return self.start_date + (self.planned_end_date - self.start_date) / 2


class CheckIn(models.Model):
    """A short conversation during a placement: how is it going?"""

    placement = models.ForeignKey(
        DevelopmentPlacement,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("placement"),
    )
    held_on = models.DateField(
        _("date"), validators=[validate_not_in_future, validate_not_too_long_ago]
    )
    notes = models.TextField(_("notes"), validators=[TextLengthValidator("note")])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.placement} {self.held_on}"


class EvaluationMoment(models.TextChoices):
    MIDTERM = "midterm", _("Mid-term evaluation")
    FINAL = "final", _("Final evaluation")


class Evaluator(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor at the company")


class Evaluation(models.Model):
    """The mid-term or final evaluation of a placement, once by the caseworker and once by the
    supervisor."""

    placement = models.ForeignKey(
        DevelopmentPlacement,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("placement"),
    )
    moment = models.CharField(_("moment"), max_length=10, choices=EvaluationMoment.choices)
    evaluator = models.CharField(_("by"), max_length=12, choices=Evaluator.choices)
    held_on = models.DateField(
        _("date"), validators=[validate_not_in_future, validate_not_too_long_ago]
    )
    progress = models.TextField(
        _("progress on the learning goals"), validators=[TextLengthValidator("note")]
    )
    rating = models.PositiveSmallIntegerField(
        _("overall (1 to 5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    next_steps = models.TextField(
        _("next steps"), blank=True, validators=[TextLengthValidator("note")]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "moment", "evaluator"], name="evaluation_once_per_moment"
            )
        ]

    def __str__(self):
        return f"{self.get_moment_display()} ({self.get_evaluator_display()})"

    def clean(self):
        """Dated within the placement: from its start to its end, or today while it runs."""
        from baanbrekers.validators import date_format

        super().clean()
        if not (self.held_on and self.placement_id):
            return
        placement = self.placement
        first = placement.started_on or placement.start_date
        last = placement.ended_on or datetime.date.max
        if not first <= self.held_on <= last:
            message = (
                _("Choose a date from %(start)s to %(end)s, when the placement ran.")
                % {"start": date_format(first), "end": date_format(last)}
                if placement.ended_on
                else _("Choose a date from %(start)s, when the placement started, to today.")
                % {"start": date_format(first)}
            )
            raise ValidationError({"held_on": ValidationError(message, code="outside_placement")})

    @property
    def correctable_until(self) -> datetime.date:
        """Who filed it may correct it until this day (``LEAD_TIMES["evaluation_correctable"]``)."""
        from baanbrekers.limits import evaluation_correctable_until

        created = self.created_at or timezone.now()
        return evaluation_correctable_until(timezone.localdate(created))

    def is_correctable(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) <= self.correctable_until


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent contract")
    FIXED_TERM = "fixed_term", _("Fixed-term contract")
    TEMP_AGENCY = "temp_agency", _("Through a temp agency")
    ON_CALL = "on_call", _("On-call contract")
    SELF_EMPLOYED = "self_employed", _("Self-employed")


class SalaryBand(models.TextChoices):
    MINIMUM = "minimum", _("Minimum wage")
    UP_TO_120 = "up_to_120", _("Up to 120 percent of minimum wage")
    ABOVE_120 = "above_120", _("Above 120 percent of minimum wage")


class JobRoute(models.TextChoices):
    VISIT = "visit", _("Company visit")
    PLACEMENT = "placement", _("Development placement")
    BUDDY = "buddy", _("Buddy")
    REFERRAL = "referral", _("Employer's referral")
    DIRECT = "direct", _("Direct")


class JobOutcome(models.Model):
    """Paid work found, and the route that led there."""

    jobseeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("job seeker")
    )
    employer = models.ForeignKey(
        Employer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("employer"),
    )
    employer_name = models.CharField(
        _("employer (if not in our files)"), max_length=200, blank=True
    )
    placement = models.ForeignKey(
        DevelopmentPlacement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("after placement"),
    )
    contract_type = models.CharField(_("contract"), max_length=15, choices=ContractType.choices)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[HoursPerWeekValidator()]
    )
    start_date = models.DateField(_("start"))
    salary_band = models.CharField(
        _("salary band"), max_length=10, choices=SalaryBand.choices, blank=True
    )
    route = models.CharField(_("route to this job"), max_length=10, choices=JobRoute.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    end_date = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("Empty while the person works there."),
    )
    end_reason = models.CharField(_("why it ended"), max_length=500, blank=True)
    # The statistics roll-up recomputes the days of rows changed since its last run.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JobOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("job found")
        verbose_name_plural = _("jobs found")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["route", "start_date"], name="job_route_start_idx"),
            # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
            models.Index(fields=["created_at"], name="job_created_idx"),
            models.Index(fields=["updated_at"], name="job_updated_idx"),
            models.Index(fields=["start_date"], name="job_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | ~models.Q(employer_name=""),
                name="job_has_employer",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="job_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.jobseeker} @ {self.employer or self.employer_name}"

    def get_absolute_url(self) -> str:
        return reverse("placements:job_detail", args=[self.pk])

    @property
    def employer_display(self) -> str:
        return str(self.employer) if self.employer_id else self.employer_name

    def ended_by(self, day: datetime.date) -> bool:
        """Whether the job had ended on ``day`` (its last day lies before it)."""
        return self.end_date is not None and self.end_date < day


class JobCheckSource(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    EMPLOYER = "employer", _("Employer")


class JobCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Follows the job (JobOutcome.objects.visible_to)."""
        return self.filter(job__in=JobOutcome.objects.visible_to(user))


class JobCheck(models.Model):
    """The answer to "still working?" some months (settings.JOB_RETENTION_CHECK_MONTHS) after a
    job started, given by the caseworker or the employer. The council's "still working after
    6/12 months" figure is counted from these answers only (stats.rollup)."""

    job = models.ForeignKey(
        JobOutcome, on_delete=models.CASCADE, related_name="checks", verbose_name=_("job")
    )
    months = models.PositiveSmallIntegerField(_("months after the start"))
    checked_on = models.DateField(_("checked on"))
    still_working = models.BooleanField(_("still working there"))
    source = models.CharField(_("answered by"), max_length=10, choices=JobCheckSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = JobCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("job check")
        verbose_name_plural = _("job checks")
        ordering = ["job", "months"]
        indexes = [models.Index(fields=["created_at"], name="job_check_created_idx")]
        constraints = [
            models.UniqueConstraint(fields=["job", "months"], name="job_check_once_per_month"),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="job_check_months"),
        ]

    def __str__(self):
        return f"{self.job} +{self.months}m"


class BuddyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class BuddyPairing(models.Model):
    """Maatjesproject: a job seeker paired with a buddy — an administrator or entrepreneur who
    opens their network. The buddy need not have an account."""

    jobseeker = models.ForeignKey(
        JobSeeker,
        on_delete=models.CASCADE,
        related_name="buddy_pairings",
        verbose_name=_("job seeker"),
    )
    buddy_name = models.CharField(_("buddy"), max_length=200)
    buddy_organisation = models.CharField(_("buddy's organisation"), max_length=200, blank=True)
    buddy_email = models.EmailField(_("buddy's email"), blank=True)
    buddy_phone = PhoneField(_("buddy's phone"), blank=True)
    buddy_employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("buddy's company (if in our files)"),
    )
    goals = models.TextField(_("goals"), validators=[TextLengthValidator("note")])
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BuddyStatus.choices, default=BuddyStatus.ACTIVE
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddy_pairings",
        verbose_name=_("caseworker"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = BuddyPairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy pairing")
        verbose_name_plural = _("buddy pairings")
        ordering = ["-start_date", "-id"]
        indexes = [
            # Change detection of the statistics roll-up (stats/rollup.py): new pairings, and
            # pairings that ended lately (the end is set in place, without a timestamp).
            models.Index(fields=["created_at"], name="buddy_created_idx"),
            models.Index(fields=["end_date"], name="buddy_end_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="buddy_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.jobseeker} & {self.buddy_name}"

    def get_absolute_url(self) -> str:
        return reverse("placements:buddy_detail", args=[self.pk])


class MeetingKind(models.TextChoices):
    WALK_ALONG = "walk_along", _("Walk-along day")
    NETWORK_EVENT = "network_event", _("Network event")
    TALK = "talk", _("Talk")


class BuddyMeeting(models.Model):
    """A meeting of the buddy pair."""

    pairing = models.ForeignKey(
        BuddyPairing, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pairing")
    )
    held_on = models.DateField(
        _("date"), validators=[validate_not_in_future, validate_not_too_long_ago]
    )
    kind = models.CharField(_("kind"), max_length=15, choices=MeetingKind.choices)
    notes = models.TextField(_("notes"), blank=True, validators=[TextLengthValidator("note")])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("buddy meeting")
        verbose_name_plural = _("buddy meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class IntroductionOutcome(models.TextChoices):
    PENDING = "pending", _("No result yet")
    CONVERSATION = "conversation", _("A conversation")
    VISIT = "visit", _("A company visit")
    PLACEMENT = "placement", _("A development placement")
    JOB = "job", _("A job")
    NOTHING = "nothing", _("Nothing came of it")


class Introduction(models.Model):
    """A door the buddy opened: whom the job seeker was introduced to, at which company, and what
    came of it — so the spread of the network can be seen and counted."""

    pairing = models.ForeignKey(
        BuddyPairing,
        on_delete=models.CASCADE,
        related_name="introductions",
        verbose_name=_("pairing"),
    )
    introduced_on = models.DateField(_("date"), validators=[validate_not_too_long_ago])
    person_name = models.CharField(_("introduced to"), max_length=200)
    company_name = models.CharField(_("company"), max_length=200)
    employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddy_introductions",
        verbose_name=_("company (if in our files)"),
    )
    outcome = models.CharField(
        _("what came of it"),
        max_length=15,
        choices=IntroductionOutcome.choices,
        default=IntroductionOutcome.PENDING,
    )
    notes = models.TextField(_("notes"), blank=True, validators=[TextLengthValidator("note")])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-introduced_on", "-id"]
        indexes = [models.Index(fields=["created_at"], name="introduction_created_idx")]

    def __str__(self):
        return f"{self.person_name} ({self.company_name})"
