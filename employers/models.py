"""Employers: who they are, their story, their people, contacts with them and what they offer."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from baanbrekers.access import is_employer_contact, scope_to_municipalities, works_in_back_office
from baanbrekers.fields import PhoneField, PostcodeField
from baanbrekers.models import Municipality, Skill
from baanbrekers.validators import (
    HoursPerWeekValidator,
    TextLengthValidator,
    validate_in_planning_window,
    validate_kvk_number,
    validate_postcode_in_region,
)

STORY = [TextLengthValidator("story")]


class Sector(models.Model):
    """A sector by its SBI code (Standaard Bedrijfsindeling), e.g. 'C' or '10.71'."""

    code = models.CharField(_("SBI code"), max_length=10, unique=True)
    label = models.CharField(_("label"), max_length=200)
    # A finer code (e.g. 10.71) belongs to a top-level section (C); filtering on the section
    # finds the finer codes too.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("section"),
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class EmployerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active relation")
    DORMANT = "dormant", _("Dormant")


class SizeClass(models.TextChoices):
    MICRO = "1-9", _("1 to 9 employees")
    SMALL = "10-49", _("10 to 49 employees")
    MEDIUM = "50-249", _("50 to 249 employees")
    LARGE = "250+", _("250 or more employees")


class EmployerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=EmployerStatus.ACTIVE)

    def visible_to(self, user):
        """Who sees which employers (DESIGN.md §4): coordinators all, caseworkers those of their
        municipalities, employer contacts their own companies (linked by ``EmployerContact``).
        Aldermen get nothing here: the visits app gives them the companies they visit."""
        if works_in_back_office(user):
            return scope_to_municipalities(self, user)
        if is_employer_contact(user):
            # A subquery rather than a join: one row per employer whatever the number of contacts.
            return self.filter(
                pk__in=EmployerContact.objects.filter(user=user).values("employer_id")
            )
        return self.none()


class EmployerContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The contact persons of the employers the user sees."""
        return self.filter(employer__in=Employer.objects.visible_to(user))


class ContactMomentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The timeline is the back office's: of the employers it sees."""
        if not works_in_back_office(user):
            return self.none()
        return self.filter(employer__in=Employer.objects.visible_to(user))


class Employer(models.Model):
    """A company we work with, led by its story: what it does, cares about and looks for."""

    kvk_number = models.CharField(
        _("KvK number"), max_length=8, unique=True, validators=[validate_kvk_number]
    )
    trade_name = models.CharField(_("trade name"), max_length=200)
    street_address = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = PostcodeField(_("postcode"), validators=[validate_postcode_in_region])
    city = models.CharField(_("place"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="employers",
        verbose_name=_("municipality"),
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employers",
        verbose_name=_("sector"),
    )
    size_class = models.CharField(_("size"), max_length=10, choices=SizeClass.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    relationship_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_employers",
        verbose_name=_("relationship owner"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EmployerStatus.choices,
        default=EmployerStatus.PROSPECT,
        db_index=True,
    )
    # The company story: first-class, and what the employer page leads with.
    story_what = models.TextField(_("what the company makes or does"), blank=True, validators=STORY)
    story_passion = models.TextField(_("passion"), blank=True, validators=STORY)
    story_culture = models.TextField(_("culture"), blank=True, validators=STORY)
    story_views = models.TextField(
        _("views on developments in the field"), blank=True, validators=STORY
    )
    story_values = models.TextField(
        _("competences and attitudes valued"), blank=True, validators=STORY
    )
    valued_skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="valued_by_employers",
        verbose_name=_("competences and attitudes (tags)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["trade_name"]
        indexes = [
            models.Index(fields=["municipality", "status"], name="employer_muni_status_idx"),
            # The list's default order (trade name, then id), for everyone and within a
            # caseworker's municipalities: read in order and stopped after a page.
            models.Index(fields=["trade_name", "id"], name="employer_name_order_idx"),
            models.Index(
                fields=["municipality", "trade_name", "id"], name="employer_muni_name_idx"
            ),
            # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
            models.Index(fields=["updated_at"], name="employer_updated_idx"),
            # The coordinator's search (employers/selectors.py ``_search``): "contains" on the
            # trade name, as Django compares it (UPPER(column) LIKE UPPER('%word%')), from
            # trigrams (pg_trgm); the place as a whole (iexact) and the postcode's start.
            GinIndex(
                OpClass(Upper("trade_name"), name="gin_trgm_ops"), name="employer_trade_name_trgm"
            ),
            models.Index(Upper("city"), name="employer_city_upper_idx"),
            models.Index(
                OpClass("postcode", name="varchar_pattern_ops"), name="employer_postcode_like"
            ),
        ]

    def __str__(self):
        return self.trade_name

    def get_absolute_url(self) -> str:
        return reverse("employers:detail", args=[self.pk])


class EmployerContact(models.Model):
    """A person at the employer; may have a portal account (``user``)."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("employer")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = PhoneField(_("phone"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employer_contacts",
        verbose_name=_("portal account"),
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)

    objects = EmployerContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "user"],
                name="employer_contact_user_once",
                condition=models.Q(user__isnull=False),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.employer})"


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    # A context keeps other apps' "Email" (an address) from translating this one.
    EMAIL = "email", pgettext_lazy("contact kind", "Email")
    MEETING = "meeting", _("Meeting")
    EVENT = "event", _("Network event")
    OTHER = "other", _("Other")


class ContactMoment(models.Model):
    """A contact with the employer, a line in its timeline."""

    employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="contact_moments",
        verbose_name=_("employer"),
    )
    happened_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    summary = models.TextField(_("summary"), validators=[TextLengthValidator("summary")])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContactMomentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["-happened_at", "-id"]
        indexes = [models.Index(fields=["employer", "-happened_at"], name="contact_employer_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.employer} {self.happened_at:%Y-%m-%d}"


class OpeningKind(models.TextChoices):
    VACANCY = "vacancy", _("Vacancy")
    PLACEMENT = "placement", _("Development placement")
    BUDDY = "buddy", _("Buddy offer")
    VISIT_HOST = "visit_host", _("Offer to host a visit")


class OpeningStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class OpeningQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=OpeningStatus.OPEN)

    def visible_to(self, user):
        """What the employers the user sees offer (for a contact: their own company's)."""
        return self.filter(employer__in=Employer.objects.visible_to(user))


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tips are the back office's to act on: those made by the employers it sees."""
        if not works_in_back_office(user):
            return self.none()
        return self.filter(referring_employer__in=Employer.objects.visible_to(user))


class Opening(models.Model):
    """What an employer offers: a vacancy, a development placement, a buddy, or hosting a visit."""

    employer = models.ForeignKey(
        Employer, on_delete=models.CASCADE, related_name="openings", verbose_name=_("employer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OpeningKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, validators=[TextLengthValidator("summary")]
    )
    competences = models.ManyToManyField(
        Skill, blank=True, related_name="openings", verbose_name=_("competences sought")
    )
    # What the employer typed in the portal: suggestions, until staff map them onto the shared
    # vocabulary (employers.services.opening_map_competences). One word or phrase per line.
    suggested_competences = models.TextField(
        _("suggested competences"),
        blank=True,
        validators=[TextLengthValidator("reason")],
        help_text=_("Words the employer suggested; staff map them onto the vocabulary."),
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("hours per week"), null=True, blank=True, validators=[HoursPerWeekValidator()]
    )
    location_postcode = PostcodeField(
        _("work location postcode"),
        blank=True,
        validators=[validate_postcode_in_region],
        help_text=_("Leave empty when the work is at the employer's address."),
    )
    start_date = models.DateField(
        _("start"), null=True, blank=True, validators=[validate_in_planning_window]
    )
    end_date = models.DateField(
        _("end"), null=True, blank=True, validators=[validate_in_planning_window]
    )
    places = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OpeningStatus.choices,
        default=OpeningStatus.OPEN,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = OpeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        ordering = ["-created_at"]
        indexes = [
            # The pipeline board's open offers of a region, newest first
            # (placements.selectors.pipeline_board): read in order and stopped after a page.
            models.Index(
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(status="open"),
                name="opening_open_newest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="opening_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.employer})"

    def clean(self):
        super().clean()
        errors = {}
        # Named on the field, so the table-wide check constraint does not say it again without.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("The end cannot be before the start."), code="end_before_start"
            )
        # A new opening is for what is to come (limits table); one already posted keeps its
        # start when it is edited later.
        if self._state.adding:
            today = timezone.localdate()
            for name in ("start_date", "end_date"):
                if getattr(self, name) and getattr(self, name) < today:
                    errors.setdefault(
                        name,
                        ValidationError(
                            _("A new opening cannot start or end in the past."),
                            code="in_the_past",
                        ),
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def work_postcode(self) -> str:
        return self.location_postcode or self.employer.postcode

    @property
    def competence_suggestions(self) -> list[str]:
        return [line.strip() for line in self.suggested_competences.splitlines() if line.strip()]


class ReferralStatus(models.TextChoices):
    NEW = "new", _("New")
    CONVERTED = "converted", _("Turned into a prospect")
    DECLINED = "declined", _("Declined")


class Referral(models.Model):
    """An employer's tip about a fellow company that needs people."""

    referring_employer = models.ForeignKey(
        Employer,
        on_delete=models.CASCADE,
        related_name="referrals_made",
        verbose_name=_("tipped by"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    company_name = models.CharField(_("company"), max_length=200)
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[validate_kvk_number]
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = PhoneField(_("contact phone"), blank=True)
    postcode = PostcodeField(_("postcode"), blank=True, validators=[validate_postcode_in_region])
    need = models.TextField(_("what they need"), validators=[TextLengthValidator("note")])
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    converted_employer = models.OneToOneField(
        Employer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
        verbose_name=_("prospect made from this tip"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.company_name} ({_('tip from')} {self.referring_employer})"
