"""The pipeline from interest to paid work: proposals, development placements, jobs and buddies.

Rows here are about a job seeker, so who may see them follows the job seeker's municipality
(DESIGN.md section 4; see ``placements.access``). State changes go through ``placements.services``:
one function per transition, each checking that it is allowed.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import is_employer_contact, scope_to_municipalities, works_in_back_office
from employers.models import Employer, EmployerContact, Opening
from jobseekers.models import ConsentKind, JobSeeker

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


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region; for an employer contact the proposals to their own
        companies of people who consent to sharing an anonymised profile today."""
        if works_in_back_office(user):
            return scope_to_municipalities(self, user, JOBSEEKER_MUNICIPALITY)
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
            return scope_to_municipalities(self, user, JOBSEEKER_MUNICIPALITY)
        if is_employer_contact(user):
            return self.filter(employer__in=Employer.objects.visible_to(user))
        return self.none()


class JobOutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The back office's region only (employers see counts on their impact page)."""
        return scope_to_municipalities(self, user, JOBSEEKER_MUNICIPALITY)


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
    motivation = models.TextField(_("why this person"), blank=True)
    match_score = models.PositiveSmallIntegerField(_("match score"), null=True, blank=True)
    answer = models.CharField(
        _("employer's answer"),
        max_length=12,
        choices=ProposalAnswer.choices,
        default=ProposalAnswer.PENDING,
    )
    answer_reason = models.TextField(_("reason"), blank=True)
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

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["opening", "answer"], name="proposal_opening_answer_idx")]
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
    start_date = models.DateField(_("start"))
    planned_end_date = models.DateField(_("planned end"))
    original_end_date = models.DateField(_("originally planned end"), null=True, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(40)]
    )
    learning_goals = models.TextField(_("learning goals"))
    benefit_kept = models.BooleanField(_("benefit continues"), default=True)
    insurance_arranged = models.BooleanField(_("insurance arranged"), default=False)
    no_displacement_confirmed = models.BooleanField(
        _("checked: does not replace a regular job"), default=False
    )
    no_displacement_note = models.TextField(_("how displacement was ruled out"), blank=True)
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
    end_reason = models.TextField(_("reason for ending"), blank=True)
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

    objects = DevelopmentPlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("development placement")
        verbose_name_plural = _("development placements")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["status", "planned_end_date"], name="placement_status_end_idx"),
            models.Index(fields=["opening", "status"], name="placement_opening_status_idx"),
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
            models.CheckConstraint(
                condition=~models.Q(status__in=["agreed", "active", "completed", "ended_early"])
                | models.Q(no_displacement_confirmed=True),
                name="placement_agreed_only_without_displacement",
            ),
        ]

    def __str__(self):
        return f"{self.jobseeker} @ {self.employer}"

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
    held_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"))
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
    held_on = models.DateField(_("date"))
    progress = models.TextField(_("progress on the learning goals"))
    rating = models.PositiveSmallIntegerField(
        _("overall (1 to 5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    next_steps = models.TextField(_("next steps"), blank=True)
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
        _("hours per week"), validators=[MinValueValidator(1), MaxValueValidator(60)]
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

    objects = JobOutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = _("job found")
        verbose_name_plural = _("jobs found")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["route", "start_date"], name="job_route_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | ~models.Q(employer_name=""),
                name="job_has_employer",
            )
        ]

    def __str__(self):
        return f"{self.jobseeker} @ {self.employer or self.employer_name}"

    @property
    def employer_display(self) -> str:
        return str(self.employer) if self.employer_id else self.employer_name


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
    buddy_phone = models.CharField(_("buddy's phone"), max_length=30, blank=True)
    buddy_employer = models.ForeignKey(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("buddy's company (if in our files)"),
    )
    goals = models.TextField(_("goals"))
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="buddy_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.jobseeker} & {self.buddy_name}"


class MeetingKind(models.TextChoices):
    WALK_ALONG = "walk_along", _("Walk-along day")
    NETWORK_EVENT = "network_event", _("Network event")
    TALK = "talk", _("Talk")


class BuddyMeeting(models.Model):
    """A meeting of the buddy pair."""

    pairing = models.ForeignKey(
        BuddyPairing, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pairing")
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=15, choices=MeetingKind.choices)
    notes = models.TextField(_("notes"), blank=True)
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
    introduced_on = models.DateField(_("date"))
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
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-introduced_on", "-id"]

    def __str__(self):
        return f"{self.person_name} ({self.company_name})"
