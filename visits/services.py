"""Use cases of visits: plan, change, cancel, who comes, the report, calendar feed tokens."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.models import AuditAction, Role, User
from baanbrekers.services import audit_record, followup_schedule
from employers.models import Employer, EmployerContact
from jobseekers.models import ConsentKind, JobSeeker

from .models import (
    CalendarFeedToken,
    Click,
    StoryField,
    Visit,
    VisitAction,
    VisitReport,
    VisitSignUp,
    VisitStaff,
    VisitStatus,
    new_feed_token,
)

STAFF_ATTENDEE_ROLES = (Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN)

FOLLOWUP_THANKS = "visit_thanks"
FOLLOWUP_CLICK = "visit_click"
FOLLOWUP_ACTION = "visit_action"
FOLLOWUP_CANCELLED = "visit.cancelled"


class VisitError(Exception):
    """A use case refused, with a message for the user (already translated)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def next_working_day(day: datetime.date) -> datetime.date:
    """The next Monday-to-Friday after ``day`` (public holidays are not taken into account)."""
    day += datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def _employer_address(employer: Employer) -> str:
    return ", ".join(p for p in (employer.street_address, employer.postcode, employer.city) if p)


def _check_host(employer: Employer, host: EmployerContact | None) -> None:
    if host is not None and host.employer_id != employer.pk:
        raise VisitError(_("The host must be a contact of this employer."), "host")


def visit_plan(
    *,
    employer: Employer,
    starts_at: datetime.datetime,
    purpose: str,
    planned_by: User,
    duration_minutes: int = 90,
    place: str = "",
    host: EmployerContact | None = None,
    capacity: int = 4,
    staff: Iterable[User] = (),
) -> Visit:
    """Plans a visit; the planner and ``staff`` join it. An empty place means the employer's
    address, filled in now so the invitation says where to go."""
    if timezone.is_naive(starts_at):
        raise ValueError("starts_at must be aware")
    _check_host(employer, host)
    place = place or _employer_address(employer)
    with transaction.atomic():
        visit = Visit.objects.create(
            employer=employer,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            place=place,
            purpose=purpose,
            host=host,
            capacity=capacity,
            planned_by=planned_by,
        )
        for user in {planned_by, *staff}:
            if user.role in STAFF_ATTENDEE_ROLES:
                VisitStaff.objects.get_or_create(visit=visit, user=user)
        audit_record(actor=planned_by, action=AuditAction.CREATE, obj=visit)
    return visit


def visit_update(*, visit: Visit, changed_by: User, **changes) -> Visit:
    """Changes the plan of a planned visit. Capacity cannot drop below the sign-ups made.

    Locks the visit row so a concurrent sign-up cannot slip past a lowered capacity.
    """
    allowed = {"starts_at", "duration_minutes", "place", "purpose", "host", "capacity"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {unknown}")
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status != VisitStatus.PLANNED:
            raise VisitError(_("Only a planned visit can be changed."))
        _check_host(visit.employer, changes.get("host", locked.host))
        if "capacity" in changes:
            taken = VisitSignUp.objects.filter(visit=locked).count()
            if changes["capacity"] < taken:
                raise VisitError(
                    _("%(count)d job seekers have already signed up; remove some first.")
                    % {"count": taken},
                    "capacity",
                )
        if "place" in changes and not changes["place"]:
            changes["place"] = _employer_address(visit.employer)
        for name, value in changes.items():
            setattr(visit, name, value)
        visit.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=changed_by,
            action=AuditAction.UPDATE,
            obj=visit,
            detail={"fields": sorted(changes)},
        )
    return visit


def visit_cancel(*, visit: Visit, cancelled_by: User) -> Visit:
    """Cancels a planned visit; sign-ups stay recorded for the history.

    The people who signed up have no account: each one's caseworker (or, without one, whoever
    signed them up, else whoever cancels) gets a follow-up due today to tell them, scheduled in
    the same transaction. The visit row is locked, so a sign-up made at the same moment is either
    in before the cancellation (and told) or refused after it.
    """
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status != VisitStatus.PLANNED:
            raise VisitError(_("Only a planned visit can be cancelled."))
        visit.status = VisitStatus.CANCELLED
        visit.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=cancelled_by, action=AuditAction.UPDATE, obj=visit, detail={"status": "cancelled"}
        )
        today = timezone.localdate()
        when = timezone.localtime(locked.starts_at).strftime("%d-%m-%Y %H:%M")
        employer = locked.employer
        signups = VisitSignUp.objects.filter(visit=locked).select_related(
            "jobseeker__caseworker", "signed_up_by"
        )
        for signup in signups:
            person = signup.jobseeker
            followup_schedule(
                kind=FOLLOWUP_CANCELLED,
                subject=signup,
                due_on=today,
                params={"name": person.initials_name, "employer": str(employer), "date": when},
                assignee=person.caseworker or signup.signed_up_by or cancelled_by,
                municipality=employer.municipality,
            )
    return visit


def visit_staff_add(*, visit: Visit, user: User, added_by: User) -> VisitStaff:
    """Adds a caseworker, coordinator or alderman/mayor; adding someone twice is harmless."""
    if user.role not in STAFF_ATTENDEE_ROLES or not user.is_active:
        raise VisitError(_("Only caseworkers and aldermen can join a visit."), "user")
    attendee, created = VisitStaff.objects.get_or_create(visit=visit, user=user)
    if created:
        audit_record(
            actor=added_by, action=AuditAction.UPDATE, obj=visit, detail={"staff_added": user.pk}
        )
    return attendee


def visit_staff_remove(*, visit: Visit, user: User, removed_by: User) -> None:
    deleted, _n = VisitStaff.objects.filter(visit=visit, user=user).delete()
    if deleted:
        audit_record(
            actor=removed_by,
            action=AuditAction.UPDATE,
            obj=visit,
            detail={"staff_removed": user.pk},
        )


def report_possible(visit: Visit, now: datetime.datetime | None = None) -> bool:
    """Whether the report form is worth offering: a planned visit without a report that has
    started. ``visit_report_save`` refuses the rest, each with its own reason."""
    if visit.status != VisitStatus.PLANNED or hasattr(visit, "report"):
        return False
    return visit.starts_at <= (now or timezone.now())


def has_join_visits_consent(jobseeker: JobSeeker, visit: Visit) -> bool:
    """A consent to join visits in force today and still on the day of the visit."""
    return jobseeker.has_consent(ConsentKind.JOIN_VISITS, until=timezone.localdate(visit.starts_at))


def visit_jobseeker_sign_up(
    *, visit: Visit, jobseeker: JobSeeker, signed_up_by: User
) -> VisitSignUp:
    """Signs a job seeker up for a planned visit, with a valid "join visits" consent.

    Concurrency: the visit row is locked (SELECT ... FOR UPDATE) before the sign-ups are counted,
    so two caseworkers signing people up at the same moment are serialised and the capacity is
    never exceeded; the second one gets a VisitError saying the visit is full.
    """
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status != VisitStatus.PLANNED:
            raise VisitError(_("Sign-ups are only possible for a planned visit."))
        if not has_join_visits_consent(jobseeker, locked):
            raise VisitError(
                _(
                    "%(name)s has no valid consent to join company visits (until the day of the "
                    "visit). Record the consent first."
                )
                % {"name": jobseeker}
            )
        if VisitSignUp.objects.filter(visit=locked, jobseeker=jobseeker).exists():
            raise VisitError(_("%(name)s is already signed up.") % {"name": jobseeker})
        taken = VisitSignUp.objects.filter(visit=locked).count()
        if taken >= locked.capacity:
            raise VisitError(
                _("This visit is full: all %(capacity)d places for job seekers are taken.")
                % {"capacity": locked.capacity}
            )
        signup = VisitSignUp.objects.create(
            visit=locked, jobseeker=jobseeker, signed_up_by=signed_up_by
        )
        audit_record(
            actor=signed_up_by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"jobseeker_signed_up": jobseeker.pk},
        )
    return signup


def visit_jobseeker_remove(*, visit: Visit, jobseeker: JobSeeker, removed_by: User) -> None:
    """Takes a job seeker off a planned visit (they changed their mind)."""
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status != VisitStatus.PLANNED:
            raise VisitError(_("Sign-ups can only change for a planned visit."))
        deleted, _n = VisitSignUp.objects.filter(visit=locked, jobseeker=jobseeker).delete()
        if deleted:
            audit_record(
                actor=removed_by,
                action=AuditAction.UPDATE,
                obj=locked,
                detail={"jobseeker_removed": jobseeker.pk},
            )


@dataclass(frozen=True)
class ClickInput:
    jobseeker: JobSeeker
    note: str = ""


@dataclass(frozen=True)
class ActionInput:
    what: str
    owner: User
    due_on: datetime.date


def visit_report_save(
    *,
    visit: Visit,
    written_by: User,
    learnt: str,
    new_openings: str = "",
    story_field: str = "",
    clicks: Iterable[ClickInput] = (),
    actions: Iterable[ActionInput] = (),
) -> VisitReport:
    """Writes the report of a visit, marks it held, and schedules its follow-ups.

    All in one transaction: the report, the clicks, the actions, the optional addition to the
    company story (only when ``story_field`` names a part of it) and the FollowUp rows — a
    thank-you to the employer due the next working day, one follow-up per click and one per
    action. If anything fails, nothing is saved. The visit row is locked, so two people saving a
    report at once produce one report; the second gets a VisitError.
    """
    clicks = list(clicks)
    actions = list(actions)
    if story_field and story_field not in StoryField.values:
        raise ValueError(f"unknown story field {story_field!r}")
    today = timezone.localdate()
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.status == VisitStatus.CANCELLED:
            raise VisitError(_("A cancelled visit has no report."))
        if VisitReport.objects.filter(visit=locked).exists():
            raise VisitError(_("This visit already has a report."))
        if locked.starts_at > timezone.now():
            raise VisitError(_("A report can be written once the visit has started."))
        signed_up = set(
            VisitSignUp.objects.filter(visit=locked).values_list("jobseeker_id", flat=True)
        )
        for click in clicks:
            if click.jobseeker.pk not in signed_up:
                raise VisitError(
                    _("%(name)s did not sign up for this visit.") % {"name": click.jobseeker},
                    "clicks",
                )
        report = VisitReport.objects.create(
            visit=locked,
            learnt=learnt,
            new_openings=new_openings,
            story_field=story_field,
            written_by=written_by,
        )
        locked.status = VisitStatus.HELD
        locked.save(update_fields=["status", "updated_at"])
        visit.status = locked.status
        employer = locked.employer
        if story_field:
            current = getattr(employer, story_field)
            stamp = timezone.localdate(locked.starts_at).strftime("%d-%m-%Y")
            addition = _("[Visit of %(date)s] %(learnt)s") % {
                "date": stamp,
                "learnt": learnt.strip(),
            }
            setattr(employer, story_field, f"{current}\n\n{addition}".strip())
            employer.save(update_fields=[story_field, "updated_at"])
            audit_record(
                actor=written_by,
                action=AuditAction.UPDATE,
                obj=employer,
                detail={"story_from_visit": locked.pk, "field": story_field},
            )
        host_email = locked.host.email if locked.host_id else ""
        if not host_email:
            primary = employer.contacts.exclude(email="").first()
            host_email = primary.email if primary else ""
        followup_schedule(
            kind=FOLLOWUP_THANKS,
            subject=locked,
            due_on=next_working_day(today),
            params={"employer": str(employer)},
            body=learnt,
            assignee=written_by,
            recipient_email=host_email,
            municipality=employer.municipality,
        )
        for item in clicks:
            click = Click.objects.create(
                visit=locked, jobseeker=item.jobseeker, note=item.note, created_by=written_by
            )
            followup_schedule(
                kind=FOLLOWUP_CLICK,
                subject=click,
                due_on=next_working_day(today),
                params={"name": item.jobseeker.initials_name, "employer": str(employer)},
                body=item.note,
                assignee=item.jobseeker.caseworker or written_by,
                municipality=employer.municipality,
            )
        for item in actions:
            action = VisitAction.objects.create(
                visit=locked, what=item.what, owner=item.owner, due_on=item.due_on
            )
            followup_schedule(
                kind=FOLLOWUP_ACTION,
                subject=action,
                due_on=item.due_on,
                params={"what": item.what},
                assignee=item.owner,
                municipality=employer.municipality,
            )
        audit_record(actor=written_by, action=AuditAction.CREATE, obj=report)
    return report


def visit_action_mark_done(*, action: VisitAction, done_by: User) -> VisitAction:
    if not action.done:
        action.done = True
        action.done_at = timezone.now()
        action.save(update_fields=["done", "done_at"])
        audit_record(actor=done_by, action=AuditAction.UPDATE, obj=action, detail={"done": True})
    return action


def calendar_token_get(*, user: User) -> CalendarFeedToken:
    """The user's feed token, made on first use. Concurrent first uses make one token."""
    try:
        return CalendarFeedToken.objects.get_or_create(user=user)[0]
    except IntegrityError:
        return CalendarFeedToken.objects.get(user=user)


def calendar_token_renew(*, user: User) -> CalendarFeedToken:
    """Replaces the user's feed secret: the old feed URL stops working at once."""
    with transaction.atomic():
        token = calendar_token_get(user=user)
        token.token = new_feed_token()
        token.save(update_fields=["token", "renewed_at"])
        audit_record(actor=user, action=AuditAction.UPDATE, obj=token, detail={"renewed": True})
    return token
