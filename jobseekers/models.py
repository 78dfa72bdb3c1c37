"""Job seekers: the people we help, their consents and notes. Personal data is protected here.

The BSN is never stored readable: ``bsn_encrypted`` holds it encrypted (baanbrekers.crypto) and
``bsn_hash`` a keyed hash that finds a person by exact BSN. Read it through ``reveal_bsn`` only
from a service that writes the audit log; show ``masked_bsn`` everywhere else.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers import crypto
from baanbrekers.access import scope_to_municipalities
from baanbrekers.fields import PhoneField, PostcodeField
from baanbrekers.models import Municipality, Skill
from baanbrekers.validators import (
    HoursPerWeekValidator,
    TextLengthValidator,
    validate_bsn,
    validate_postcode_in_region,
)


class BenefitType(models.TextChoices):
    PARTICIPATIEWET = "pw", _("Participation Act (social assistance)")
    IOAW = "ioaw", _("IOAW")
    IOAZ = "ioaz", _("IOAZ")
    WW = "ww", _("Unemployment benefit (WW)")
    WAJONG = "wajong", _("Wajong")
    WIA = "wia", _("WIA")
    NONE = "none", _("No benefit")


class EducationLevel(models.TextChoices):
    NONE = "none", _("No diploma")
    PRIMARY = "primary", _("Primary school")
    VMBO = "vmbo", _("VMBO")
    MBO1 = "mbo1", _("MBO level 1")
    MBO2_4 = "mbo2_4", _("MBO level 2 to 4")
    HAVO_VWO = "havo_vwo", _("HAVO / VWO")
    HBO = "hbo", _("HBO")
    WO = "wo", _("University")
    FOREIGN = "foreign", _("Foreign diploma")


class LanguageLevel(models.TextChoices):
    A0 = "a0", _("None yet")
    A1 = "a1", "A1"
    A2 = "a2", "A2"
    B1 = "b1", "B1"
    B2 = "b2", "B2"
    C1 = "c1", "C1"
    NATIVE = "native", _("Native speaker")


class JobSeekerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    IN_PLACEMENT = "in_placement", _("In a placement")
    WORKING = "working", _("Working")
    LEFT = "left", _("Left")


class JobSeekerQuerySet(models.QuerySet):
    def looking_for_work(self, on: datetime.date | None = None):
        """The one definition of "looking for work": status 'active' (not in a placement, not
        working, not left) and no leaving date on or before ``on`` (today by default).

        Matching, visit sign-ups and suggestions, proposals, the demo data and the statistics
        ask this; nobody filters on ``JobSeekerStatus.ACTIVE`` themselves. Someone in a
        development placement is not looking: they are busy learning, and finding them paid work
        is the placement's own end (``placement_end`` reminder, the portal's paid-work question).
        """
        on = on or timezone.localdate()
        return self.filter(status=JobSeekerStatus.ACTIVE).filter(
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=on)
        )

    def consenting_to(
        self, kind: str, on: datetime.date | None = None, until: datetime.date | None = None
    ):
        """Job seekers with a consent of ``kind`` in force on ``on`` (today by default) and, when
        ``until`` is given, still in force on that day (a visit later on). An EXISTS filter, so
        it combines with any other filter without duplicating rows."""
        return self.filter(models.Exists(_valid_consents(kind, on, until)))

    def with_consent_flag(
        self,
        kind: str,
        on: datetime.date | None = None,
        until: datetime.date | None = None,
        name: str = "has_valid_consent",
    ):
        """The same test as ``consenting_to`` as a boolean column ``name``, for lists that show
        everyone and mark who consents. Do not call the column ``has_consent``: on model
        instances it would hide the ``JobSeeker.has_consent`` method."""
        return self.annotate(**{name: models.Exists(_valid_consents(kind, on, until))})

    def with_bsn(self, bsn: str):
        """Exact BSN search through the keyed hash; the BSN itself is never in the query."""
        return self.filter(bsn_hash=crypto.keyed_hash(bsn))

    def inactive_since(self, since: datetime.date):
        """The one definition of "no activity since ``since``": nothing happened on or after
        that day — no change to the file or its status (``updated_at``, leaving date), no note,
        no consent given, withdrawn or still in force, and nothing the higher apps register in
        ``jobseekers.retention.person_data`` (visit sign-ups and clicks, proposals, placements,
        jobs and their checks, buddy pairs). The retention job (``jobseekers_anonymise_inactive``)
        asks this; an EXISTS/NOT IN filter, one query however many apps contribute."""
        from .retention import person_data  # imports no model: no cycle

        moment = datetime.datetime.combine(
            since, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        qs = self.filter(created_at__lt=moment, updated_at__lt=moment).exclude(left_on__gte=since)
        qs = qs.exclude(
            models.Exists(
                JobSeekerNote.objects.filter(
                    jobseeker=models.OuterRef("pk"), created_at__gte=moment
                )
            )
        ).exclude(
            models.Exists(
                Consent.objects.filter(jobseeker=models.OuterRef("pk")).filter(
                    models.Q(created_at__gte=moment)
                    | models.Q(given_on__gte=since)
                    | models.Q(valid_until__gte=since, withdrawn_on__isnull=True)
                    | models.Q(withdrawn_on__gte=since)
                )
            )
        )
        for part in person_data.parts():
            if part.active_since is not None:
                qs = qs.exclude(pk__in=part.active_since(moment))
        return qs

    def not_anonymised(self):
        return self.filter(anonymised_on__isnull=True)

    def visible_to(self, user):
        """Who sees job seekers by name (DESIGN.md §4): caseworkers those of their own
        municipalities, coordinators all. Aldermen and employer contacts never do; their
        anonymised views live with the apps that need them."""
        return scope_to_municipalities(self, user)


class JobSeeker(models.Model):
    """A person on benefits whom a caseworker helps towards work."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    bsn_encrypted = models.TextField(_("BSN (encrypted)"), editable=False)
    bsn_hash = models.CharField(_("BSN keyed hash"), max_length=64, unique=True, editable=False)
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    postcode = PostcodeField(_("postcode"), validators=[validate_postcode_in_region])
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="jobseekers",
        verbose_name=_("municipality"),
    )
    caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobseekers",
        verbose_name=_("caseworker"),
    )
    benefit_type = models.CharField(
        _("benefit"),
        max_length=10,
        choices=BenefitType.choices,
        default=BenefitType.PARTICIPATIEWET,
    )
    benefit_start_date = models.DateField(_("benefit since"), null=True, blank=True)
    ladder_step = models.PositiveSmallIntegerField(
        _("participation ladder step"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    education_level = models.CharField(
        _("education"), max_length=10, choices=EducationLevel.choices, blank=True
    )
    experience = models.TextField(
        _("work experience"), blank=True, validators=[TextLengthValidator("story")]
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="jobseekers_with_skill", verbose_name=_("skills")
    )
    interests = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="jobseekers_with_interest",
        verbose_name=_("interests and hobbies"),
    )
    hours_available = models.PositiveSmallIntegerField(
        _("hours available per week"), default=24, validators=[HoursPerWeekValidator()]
    )
    has_driving_licence = models.BooleanField(_("driving licence"), default=False)
    has_car = models.BooleanField(_("car"), default=False)
    has_bicycle = models.BooleanField(_("bicycle"), default=True)
    max_travel_km = models.PositiveSmallIntegerField(
        _("maximum travel distance (km)"), default=15, validators=[MaxValueValidator(200)]
    )
    dutch_level = models.CharField(
        _("Dutch language level"), max_length=10, choices=LanguageLevel.choices, blank=True
    )
    limitations = models.TextField(
        _("limitations"),
        blank=True,
        validators=[TextLengthValidator("story")],
        help_text=_("Visible to caseworkers only; never shared with employers or aldermen."),
    )
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=JobSeekerStatus.choices,
        default=JobSeekerStatus.ACTIVE,
        db_index=True,
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Set by the retention job (jobseekers.services.jobseeker_anonymise): from that day the row
    # holds only what the statistics need (municipality, dates, categories), no personal data.
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = JobSeekerQuerySet.as_manager()

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="jobseeker_muni_status_idx"),
            models.Index(fields=["status", "ladder_step"], name="jobseeker_status_ladder_idx"),
            models.Index(fields=["caseworker", "status"], name="jobseeker_caseworker_idx"),
            # The list's default order (name, then id) read straight from an index.
            models.Index(fields=["last_name", "first_name", "id"], name="jobseeker_name_order_idx"),
            # A caseworker's list in name order within their municipalities, read in order.
            models.Index(
                fields=["municipality", "last_name", "first_name", "id"],
                name="jobseeker_muni_name_idx",
            ),
            # The other sort keys of the list, each with the id that makes the order unique.
            models.Index(fields=["ladder_step", "id"], name="jobseeker_ladder_order_idx"),
            models.Index(fields=["postcode", "id"], name="jobseeker_postcode_order_idx"),
            models.Index(fields=["status", "id"], name="jobseeker_status_order_idx"),
            models.Index(fields=["updated_at", "id"], name="jobseeker_updated_order_idx"),
            # "contains" search on names: Django compares UPPER(column) LIKE UPPER('%word%'),
            # which a trigram index on the same expression answers (pg_trgm, baanbrekers 0002).
            GinIndex(
                OpClass(Upper("first_name"), name="gin_trgm_ops"), name="jobseeker_first_trgm"
            ),
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="jobseeker_last_trgm"),
            # Postcode prefix search ("5251", "5251 AB") with LIKE '5251%'.
            models.Index(
                OpClass("postcode", name="varchar_pattern_ops"), name="jobseeker_postcode_like"
            ),
            # Matching's candidates in a caseworker's municipalities: hours and ladder step are
            # tested in the index, so only people who can fit are read (migration 0007).
            models.Index(
                fields=["municipality", "hours_available", "ladder_step"],
                condition=models.Q(status="active"),
                name="jobseeker_match_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ladder_step__gte=1, ladder_step__lte=6),
                name="jobseeker_ladder_step_1_6",
            )
        ]

    def __str__(self):
        if self.anonymised_on:
            return str(_("Anonymised person #%(id)s") % {"id": self.pk})
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("jobseekers:detail", args=[self.pk])

    def set_bsn(self, bsn: str) -> None:
        """Validates (eleven-test) and stores the BSN encrypted with its keyed hash."""
        validate_bsn(bsn)
        self.bsn_encrypted = crypto.encrypt(bsn)
        self.bsn_hash = crypto.keyed_hash(bsn)

    def reveal_bsn(self) -> str:
        """The readable BSN. Callers write an audit event (jobseekers.services.jobseeker_reveal_bsn)."""
        if not self.bsn_encrypted:
            return ""  # anonymised: there is no BSN any more
        return crypto.decrypt(self.bsn_encrypted)

    @property
    def masked_bsn(self) -> str:
        return "*****" + self.reveal_bsn()[-4:] if self.bsn_encrypted else ""

    @property
    def initials_name(self) -> str:
        """First name and initial of the last name: what an anonymised profile shows."""
        return f"{self.first_name} {self.last_name[:1]}." if self.last_name else self.first_name

    def is_looking_for_work(self, on: datetime.date | None = None) -> bool:
        """This person, by the definition of ``JobSeekerQuerySet.looking_for_work``."""
        on = on or timezone.localdate()
        return self.status == JobSeekerStatus.ACTIVE and (self.left_on is None or self.left_on > on)

    def has_consent(
        self, kind: str, on: datetime.date | None = None, until: datetime.date | None = None
    ) -> bool:
        """A consent of ``kind`` in force on ``on`` (today) and, if given, still on ``until``."""
        return _valid_consents(kind, on, until, jobseeker=self).exists()

    @property
    def age(self) -> int:
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


class ConsentKind(models.TextChoices):
    SHARE_PROFILE = "share_profile", _("Share an anonymised profile with employers")
    JOIN_VISITS = "join_visits", _("Join company visits")
    INTRODUCTION = "introduction", _("Be introduced with contact details")


class ConsentQuerySet(models.QuerySet):
    def valid(self, kind: str | None = None, on: datetime.date | None = None):
        """Consents in force on a day (today by default): given, not expired, not withdrawn."""
        on = on or timezone.localdate()
        qs = self.filter(given_on__lte=on, valid_until__gte=on, withdrawn_on__isnull=True)
        return qs.filter(kind=kind) if kind else qs

    def visible_to(self, user):
        """A consent is part of the person's file: seen by whoever sees the person."""
        return self.filter(jobseeker__in=JobSeeker.objects.visible_to(user))


class JobSeekerNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A note is part of the person's file: seen by whoever sees the person."""
        return self.filter(jobseeker__in=JobSeeker.objects.visible_to(user))


def _valid_consents(kind: str, on, until, jobseeker=None):
    """The consents behind ``consenting_to`` and ``has_consent``: one query, two uses."""
    consents = Consent.objects.valid(kind, on).filter(
        jobseeker=jobseeker if jobseeker is not None else models.OuterRef("pk")
    )
    return consents.filter(valid_until__gte=until) if until else consents


class Consent(models.Model):
    """What the job seeker agreed may happen, from when until when. Without it nothing leaves
    the back office."""

    jobseeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="consents", verbose_name=_("job seeker")
    )
    kind = models.CharField(_("consent for"), max_length=20, choices=ConsentKind.choices)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]
        indexes = [models.Index(fields=["kind", "valid_until"], name="consent_kind_until_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("given_on")),
                name="consent_until_after_given",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.given_on} – {self.valid_until})"

    def get_absolute_url(self) -> str:
        # Follow-ups about a consent (expiring soon) link to the person's file.
        return reverse("jobseekers:detail", args=[self.jobseeker_id])

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.given_on <= day <= self.valid_until and self.withdrawn_on is None


class JobSeekerNote(models.Model):
    """A caseworker's note in the job seeker's timeline."""

    jobseeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="notes", verbose_name=_("job seeker")
    )
    text = models.TextField(_("note"), validators=[TextLengthValidator("note")])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = JobSeekerNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.jobseeker} {self.created_at:%Y-%m-%d}"
