"""Company visits with aldermen: the plan, who comes, the report, clicks, actions, calendar feeds."""

import datetime
import functools
import operator
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import (
    is_alderman,
    is_employer_contact,
    municipality_ids,
    sees_all_municipalities,
    works_in_back_office,
)
from employers.models import Employer, EmployerContact
from jobseekers.models import JobSeeker


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class VisitQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime):
        return self.filter(status=VisitStatus.PLANNED, starts_at__gte=now)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def _of_employers_seen_by(self, user) -> models.Q:
        """Visits to the employers the user sees (``Employer.objects.visible_to``).

        EXISTS, not ``employer_id IN (SELECT ...)``: under the OR with the visits the user joins,
        PostgreSQL always read and hashed every employer of the municipality for an IN (some
        15,000 rows for a large one at national scale), even to check a person's three visits.
        For an EXISTS it chooses per query: a look-up per visit when there are few, the hash
        when there are many (an agenda month)."""
        return models.Q(
            models.Exists(
                Employer.objects.visible_to(user).filter(pk=models.OuterRef("employer_id"))
            )
        )

    def _joined_by(self, user) -> models.Q:
        return models.Q(
            models.Exists(VisitStaff.objects.filter(visit=models.OuterRef("pk"), user=user))
        )

    def _visible_halves(self, user) -> list[models.Q] | None:
        """The rule of visible_to as conditions any one of which shows a visit (None: every
        visit)."""
        if sees_all_municipalities(user):
            return None
        if works_in_back_office(user):
            return [self._of_employers_seen_by(user), self._joined_by(user)]
        if is_alderman(user):
            return [self._joined_by(user)]
        if is_employer_contact(user):
            return [models.Q(employer__in=Employer.objects.visible_to(user))]
        return []

    def _any_of(self, halves: list[models.Q] | None, *, union: bool):
        if halves is None:
            return self
        if not halves:
            return self.none()
        if union and len(halves) > 1:
            # Each half a branch of its own with this queryset's filters (the agenda's days):
            # PostgreSQL estimates a branch well and reads the rows it needs through the
            # branch's own indexes, where it guessed most rows for an OR of two subqueries
            # and planned for thousands (a hash of every employer, compiled with JIT).
            branches = [self.filter(half).order_by().values("pk") for half in halves]
            return self.filter(pk__in=branches[0].union(*branches[1:]))
        return self.filter(functools.reduce(operator.or_, halves))

    def visible_to(self, user):
        """Visits the user may open (DESIGN.md §4): coordinators all; caseworkers those to the
        employers they see and those they join; aldermen those they join; employer contacts the
        visits to their own companies (the visit itself, never who comes: no consent)."""
        return self._any_of(self._visible_halves(user), union=False)

    def on_calendar_of(self, user, *, union: bool = False):
        """The user's agenda: what they may open, plus for aldermen the other visits in their
        municipalities (time and company only, without opening them).

        ``union=True`` gives the same rows as a UNION of the rule's halves, each with the
        filters applied so far: for a window of days (``between(...).on_calendar_of(user,
        union=True)``), where the OR would make PostgreSQL plan for most visits of the country
        in that window."""
        if is_alderman(user):
            halves = [
                self._joined_by(user),
                models.Q(employer__municipality__in=municipality_ids(user)),
            ]
        else:
            halves = self._visible_halves(user)
        return self._any_of(halves, union=union)


class Visit(models.Model):
    """A visit to an employer by caseworkers and an alderman, with job seekers who signed up.

    ``capacity`` limits the job seekers only (staff do not count); the sign-up service enforces it
    under a row lock on the visit.
    """

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="visits", verbose_name=_("employer")
    )
    starts_at = models.DateTimeField(_("start"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(600)],
    )
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to meet at the employer's address."),
    )
    purpose = models.TextField(_("purpose"))
    host = models.ForeignKey(
        EmployerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_visits",
        verbose_name=_("host at the company"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VisitStatus.choices,
        default=VisitStatus.PLANNED,
        db_index=True,
    )
    capacity = models.PositiveSmallIntegerField(
        _("places for job seekers"), default=4, validators=[MaxValueValidator(50)]
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["employer", "-starts_at"], name="visit_employer_idx"),
            # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
            models.Index(fields=["updated_at"], name="visit_updated_idx"),
            # The coming visits in date order (upcoming(); migration 0003).
            models.Index(
                fields=["starts_at"],
                condition=models.Q(status="planned"),
                name="visit_planned_starts_idx",
            ),
            # The agenda's days with the company of each visit, and its id (migration 0005): a month of a
            # municipality is read from the index alone, not from thousands of heap pages of
            # the country's visits in those weeks.
            models.Index(
                fields=["starts_at", "employer"], include=["id"], name="visit_starts_employer_idx"
            ),
        ]

    def __str__(self):
        # Shown in lists and links (the follow-ups' "Visit:"): the local time, in the one date
        # format (baanbrekers/formats), not the stored UTC time an hour or two early.
        when = formats.date_format(timezone.localtime(self.starts_at), "DATETIME_FORMAT")
        return f"{self.employer}, {when}"

    def get_absolute_url(self) -> str:
        return reverse("visits:detail", args=[self.pk])

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def location(self) -> str:
        """Where to go: the place given, or else the employer's address."""
        if self.place:
            return self.place
        employer = self.employer
        return ", ".join(
            p for p in (employer.street_address, employer.postcode, employer.city) if p
        )


class VisitStaff(models.Model):
    """A caseworker, coordinator or alderman/mayor who joins the visit."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="staff", verbose_name=_("visit")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit_attendances",
        verbose_name=_("user"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff attendee")
        verbose_name_plural = _("staff attendees")
        ordering = ["user__role", "user__first_name", "id"]
        # Change detection of the statistics roll-up (stats/rollup.py, Source.changed).
        indexes = [models.Index(fields=["added_at"], name="visit_staff_added_idx")]
        constraints = [
            models.UniqueConstraint(fields=["visit", "user"], name="visit_staff_once"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.visit}"


class VisitSignUp(models.Model):
    """A job seeker who comes along voluntarily, signed up by a caseworker with consent."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="signups", verbose_name=_("visit")
    )
    jobseeker = models.ForeignKey(
        JobSeeker,
        on_delete=models.CASCADE,
        related_name="visit_signups",
        verbose_name=_("job seeker"),
    )
    signed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed up by"),
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)

    class Meta:
        verbose_name = _("job seeker sign-up")
        verbose_name_plural = _("job seeker sign-ups")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="visit_signup_created_idx")]
        constraints = [
            models.UniqueConstraint(fields=["visit", "jobseeker"], name="visit_signup_once"),
        ]

    def __str__(self):
        return f"{self.jobseeker} @ {self.visit}"


class StoryField(models.TextChoices):
    """The parts of the company story a report may add to."""

    WHAT = "story_what", _("What the company makes or does")
    PASSION = "story_passion", _("Passion")
    CULTURE = "story_culture", _("Culture")
    VIEWS = "story_views", _("Views on developments in the field")
    VALUES = "story_values", _("Competences and attitudes valued")


class VisitReport(models.Model):
    """What the visit brought: what was learnt and which openings were noted."""

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, related_name="report", verbose_name=_("visit")
    )
    learnt = models.TextField(_("what we learnt"))
    new_openings = models.TextField(_("new openings noted"), blank=True)
    story_field = models.CharField(
        _("added to the company story"), max_length=20, choices=StoryField.choices, blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")

    def __str__(self):
        return _("Report of %(visit)s") % {"visit": self.visit}


class Click(models.Model):
    """A job seeker and the company showed mutual interest during a visit."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("visit")
    )
    jobseeker = models.ForeignKey(
        JobSeeker, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("job seeker")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("noted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="click_created_idx")]
        constraints = [
            models.UniqueConstraint(fields=["visit", "jobseeker"], name="click_once_per_visit"),
        ]

    def __str__(self):
        return f"{self.jobseeker} ↔ {self.visit.employer}"


class VisitAction(models.Model):
    """An action agreed during or after the visit, with an owner and a due date."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="actions", verbose_name=_("visit")
    )
    what = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["done", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "done", "due_on"], name="visit_action_owner_idx")]

    def __str__(self):
        return self.what


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's calendar feed URL. Renewing replaces it: the old URL stops working.

    Kept readable (like an API token) so the user can copy the URL again; it only opens the
    user's own visit times and places, never job seekers' names.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="visit_feed_token",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    renewed_at = models.DateTimeField(_("renewed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return _("Calendar feed of %(user)s") % {"user": self.user}
