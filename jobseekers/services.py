"""Use cases of job seekers' files. Pages, API and admin call these; each write of personal data
records an audit event in the same transaction (baanbrekers.services.audit_record).

Never pass a BSN into an audit event's detail, a log line or an exception message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from baanbrekers import crypto
from baanbrekers.access import sees_all_municipalities
from baanbrekers.followups import followups_reassign
from baanbrekers.models import AuditAction, FollowUp, FollowUpStatus, User
from baanbrekers.services import audit_record, followup_schedule, skills_from_names

from .followup_rules import (
    KIND_CONSENT_REMINDER,
    consent_reminder_due_on,
    consent_reminder_params,
)
from .models import Consent, JobSeeker, JobSeekerNote, JobSeekerStatus

# Fields a caseworker may set through jobseeker_create / jobseeker_update.
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "email",
    "phone",
    "postcode",
    "municipality",
    "caseworker",
    "benefit_type",
    "benefit_start_date",
    "ladder_step",
    "education_level",
    "experience",
    "hours_available",
    "has_driving_licence",
    "has_car",
    "has_bicycle",
    "max_travel_km",
    "dutch_level",
    "limitations",
    "status",
    "left_on",
)

# The expiry reminder's kind; its lead time is settings.LEAD_TIMES["consent_expiring"].
CONSENT_FOLLOWUP_KIND = KIND_CONSENT_REMINDER


def _duplicate_bsn_error() -> ValidationError:
    # Says that the person exists, never who or where: the user may not be allowed to see them.
    return ValidationError({"bsn": _("A job seeker with this BSN already exists.")}, code="unique")


def _check_municipality(user: User, municipality) -> None:
    if municipality is None or sees_all_municipalities(user):
        return
    if not user.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            {"municipality": _("You can only add job seekers in your own municipalities.")},
            code="out_of_scope",
        )


@sensitive_variables("bsn")
def _set_bsn(jobseeker: JobSeeker, bsn: str) -> None:
    try:
        jobseeker.set_bsn(bsn)
    except ValidationError as exc:
        raise ValidationError({"bsn": exc.messages}, code="invalid_bsn") from None
    clash = JobSeeker.objects.filter(bsn_hash=jobseeker.bsn_hash)
    if jobseeker.pk:
        clash = clash.exclude(pk=jobseeker.pk)
    if clash.exists():
        raise _duplicate_bsn_error()


@sensitive_variables("bsn")
def jobseeker_create(
    *,
    user: User,
    bsn: str,
    data: Mapping[str, Any],
    skill_names: Iterable[str] = (),
    interest_names: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> JobSeeker:
    """Creates a job seeker's file with an encrypted BSN and records who did it.

    ``data`` holds EDITABLE_FIELDS, already cleaned by a form or serializer. Raises
    ValidationError (per field) for a bad or already registered BSN, or a municipality outside
    the user's own. Two simultaneous creates of one BSN: the unique keyed hash lets one win, the
    other gets the same "already exists" error.
    """
    jobseeker = JobSeeker(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _check_municipality(user, jobseeker.municipality if jobseeker.municipality_id else None)
    _set_bsn(jobseeker, bsn)
    try:
        with transaction.atomic():
            jobseeker.save()
            jobseeker.skills.set(skills_from_names(skill_names))
            jobseeker.interests.set(skills_from_names(interest_names))
            audit_record(actor=user, action=AuditAction.CREATE, obj=jobseeker, request=request)
    except IntegrityError:
        if JobSeeker.objects.filter(bsn_hash=jobseeker.bsn_hash).exists():
            raise _duplicate_bsn_error() from None
        raise
    return jobseeker


@sensitive_variables("bsn")
def jobseeker_update(
    *,
    jobseeker: JobSeeker,
    user: User,
    data: Mapping[str, Any],
    bsn: str = "",
    skill_names: Iterable[str] | None = None,
    interest_names: Iterable[str] | None = None,
    request: HttpRequest | None = None,
) -> JobSeeker:
    """Changes a file. An empty ``bsn`` keeps the current one; ``None`` skill lists are left alone.

    The audit event names the changed fields, never their values. Last write wins when two
    caseworkers edit at once; both changes are in the audit log.
    """
    # Compare with the stored row: a form may already have copied its values onto ``jobseeker``.
    stored = JobSeeker.objects.get(pk=jobseeker.pk)
    changed: list[str] = []
    for name, value in data.items():
        if name in EDITABLE_FIELDS and getattr(stored, name) != value:
            setattr(jobseeker, name, value)
            changed.append(name)
    if "municipality" in changed:
        _check_municipality(user, jobseeker.municipality)
    if bsn:
        old_hash = jobseeker.bsn_hash
        _set_bsn(jobseeker, bsn)
        if jobseeker.bsn_hash != old_hash:
            changed += ["bsn_encrypted", "bsn_hash"]
    try:
        with transaction.atomic():
            if changed:
                jobseeker.save(update_fields=[*changed, "updated_at"])
            if "caseworker" in changed:
                # Open follow-ups about this person move with them to the new caseworker.
                followups_reassign(
                    subject=jobseeker,
                    old_assignee=stored.caseworker,
                    new_assignee=jobseeker.caseworker,
                )
            for relation, names in (("skills", skill_names), ("interests", interest_names)):
                if names is None:
                    continue
                new = {s.pk: s for s in skills_from_names(names)}
                manager = getattr(jobseeker, relation)
                if set(new) != set(manager.values_list("pk", flat=True)):
                    manager.set(list(new.values()))
                    changed.append(relation)
            if changed:
                fields = ["bsn" if f.startswith("bsn_") else f for f in changed]
                audit_record(
                    actor=user,
                    action=AuditAction.UPDATE,
                    obj=jobseeker,
                    detail={"fields": sorted(set(fields))},
                    request=request,
                )
    except IntegrityError:
        if (
            bsn
            and JobSeeker.objects.filter(bsn_hash=jobseeker.bsn_hash)
            .exclude(pk=jobseeker.pk)
            .exists()
        ):
            raise _duplicate_bsn_error() from None
        raise
    return jobseeker


def jobseeker_view(*, jobseeker: JobSeeker, user: User, request: HttpRequest | None = None) -> None:
    """Records that ``user`` opened this person's file (DESIGN.md section 4: every view logged)."""
    audit_record(actor=user, action=AuditAction.VIEW, obj=jobseeker, request=request)


def jobseeker_reveal_bsn(
    *, jobseeker: JobSeeker, user: User, request: HttpRequest | None = None
) -> str:
    """The readable BSN, for a user who may see this person; the reveal is written to the audit
    log first, in the caller's transaction."""
    if not JobSeeker.objects.visible_to(user).filter(pk=jobseeker.pk).exists():
        raise PermissionError("this user may not see this job seeker")
    audit_record(actor=user, action=AuditAction.REVEAL, obj=jobseeker, request=request)
    return jobseeker.reveal_bsn()


@sensitive_variables("bsn")
def jobseeker_find_by_bsn(
    *, user: User, bsn: str, request: HttpRequest | None = None
) -> JobSeeker | None:
    """Exact BSN search within what the user may see; the search is logged, the BSN is not.

    A person outside the user's municipalities is "not found", like someone who does not exist.
    """
    jobseeker = JobSeeker.objects.visible_to(user).filter(bsn_hash=crypto.keyed_hash(bsn)).first()
    audit_record(
        actor=user,
        action=AuditAction.SEARCH,
        obj=jobseeker,
        object_type="" if jobseeker else JobSeeker._meta.label,
        detail={"by": "bsn", "found": jobseeker is not None},
        request=request,
    )
    return jobseeker


def consent_give(
    *,
    jobseeker: JobSeeker,
    kind: str,
    given_on: datetime.date,
    valid_until: datetime.date,
    user: User,
    request: HttpRequest | None = None,
) -> Consent:
    """Records a consent and schedules a reminder to the caseworker before it expires.

    The reminder row is idempotent per consent and due date (see followup_schedule).
    """
    if valid_until < given_on:
        raise ValidationError(
            {"valid_until": _("The end date cannot be before the date the consent was given.")}
        )
    with transaction.atomic():
        consent = Consent.objects.create(
            jobseeker=jobseeker,
            kind=kind,
            given_on=given_on,
            valid_until=valid_until,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=jobseeker,
            detail={"consent": kind, "change": "given", "consent_id": consent.pk},
            request=request,
        )
        followup_schedule(
            kind=CONSENT_FOLLOWUP_KIND,
            subject=consent,
            due_on=consent_reminder_due_on(valid_until, timezone.localdate()),
            params=consent_reminder_params(consent),
            assignee=jobseeker.caseworker,
            municipality=jobseeker.municipality,
        )
    return consent


def consent_withdraw(
    *,
    consent: Consent,
    user: User,
    on: datetime.date | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Withdraws a consent from ``on`` (today by default) and cancels its expiry reminder.

    Withdrawing twice keeps the first date.
    """
    if consent.withdrawn_on:
        return consent
    with transaction.atomic():
        consent.withdrawn_on = on or timezone.localdate()
        consent.save(update_fields=["withdrawn_on"])
        FollowUp.objects.filter(
            kind=CONSENT_FOLLOWUP_KIND,
            subject_type=Consent._meta.label,
            subject_id=str(consent.pk),
            status=FollowUpStatus.PENDING,
        ).update(status=FollowUpStatus.CANCELLED)
        audit_record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=consent.jobseeker,
            detail={"consent": consent.kind, "change": "withdrawn", "consent_id": consent.pk},
            request=request,
        )
    return consent


def note_add(
    *, jobseeker: JobSeeker, text: str, author: User, request: HttpRequest | None = None
) -> JobSeekerNote:
    """Adds a note to the person's timeline."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a note first.")}, code="required")
    with transaction.atomic():
        note = JobSeekerNote.objects.create(jobseeker=jobseeker, text=text, author=author)
        audit_record(
            actor=author,
            action=AuditAction.UPDATE,
            obj=jobseeker,
            detail={"note_id": note.pk},
            request=request,
        )
    return note


# --- Status -----------------------------------------------------------------------------------
# The job seeker's status belongs to this app: other apps report what happened (a placement
# started or ended, work was found) and these functions decide the status. Each event moves the
# status only from the statuses listed; from any other status it leaves it alone (someone who
# left stays left when an old placement is closed). ``None`` as source: from any status.
STATUS_EVENTS: dict[str, tuple[frozenset[str] | None, str]] = {
    "placement_started": (frozenset({JobSeekerStatus.ACTIVE}), JobSeekerStatus.IN_PLACEMENT),
    "placement_ended": (frozenset({JobSeekerStatus.IN_PLACEMENT}), JobSeekerStatus.ACTIVE),
    "placement_ended_with_work": (
        frozenset({JobSeekerStatus.IN_PLACEMENT}),
        JobSeekerStatus.WORKING,
    ),
    "work_found": (None, JobSeekerStatus.WORKING),
    "back_to_looking": (
        frozenset({JobSeekerStatus.IN_PLACEMENT, JobSeekerStatus.WORKING, JobSeekerStatus.LEFT}),
        JobSeekerStatus.ACTIVE,
    ),
    "left": (None, JobSeekerStatus.LEFT),
}


def jobseeker_status_event(
    *,
    jobseeker: JobSeeker,
    event: str,
    changed_by: User | None = None,
    on: datetime.date | None = None,
) -> JobSeeker:
    """Applies ``event`` (a key of STATUS_EVENTS) to the job seeker's status, under a row lock.

    Returns the job seeker with its current status (changed or not); the caller's instance gets
    the new status too. A change is written to the audit log as an update of the status field.
    """
    sources, target = STATUS_EVENTS[event]
    with transaction.atomic():
        locked = JobSeeker.objects.select_for_update().get(pk=jobseeker.pk)
        if locked.status == target or (sources is not None and locked.status not in sources):
            jobseeker.status = locked.status
            return locked
        fields = ["status"]
        locked.status = target
        if target == JobSeekerStatus.LEFT:
            locked.left_on = on or timezone.localdate()
            fields.append("left_on")
        elif locked.left_on is not None:
            # Back on our books (or working again): an old leaving date no longer applies.
            locked.left_on = None
            fields.append("left_on")
        locked.save(update_fields=[*fields, "updated_at"])
        if changed_by is not None:
            audit_record(
                actor=changed_by,
                action=AuditAction.UPDATE,
                obj=locked,
                detail={"fields": fields, "event": event},
            )
    jobseeker.status, jobseeker.left_on = locked.status, locked.left_on
    return locked


def jobseeker_placement_started(*, jobseeker: JobSeeker, changed_by: User | None = None):
    """A development placement started: 'active' becomes 'in a placement'."""
    return jobseeker_status_event(
        jobseeker=jobseeker, event="placement_started", changed_by=changed_by
    )


def jobseeker_placement_ended(
    *, jobseeker: JobSeeker, found_work: bool, changed_by: User | None = None
):
    """A placement ended: 'in a placement' becomes 'working' with paid work, else 'active'."""
    event = "placement_ended_with_work" if found_work else "placement_ended"
    return jobseeker_status_event(jobseeker=jobseeker, event=event, changed_by=changed_by)


def jobseeker_found_work(*, jobseeker: JobSeeker, changed_by: User | None = None):
    """Paid work was recorded: the person is 'working', whatever they were."""
    return jobseeker_status_event(jobseeker=jobseeker, event="work_found", changed_by=changed_by)


def jobseeker_back_to_looking(*, jobseeker: JobSeeker, changed_by: User | None = None):
    """The job ended, or the person came back: 'active' (looking for work) again."""
    return jobseeker_status_event(
        jobseeker=jobseeker, event="back_to_looking", changed_by=changed_by
    )


def jobseeker_leave(
    *, jobseeker: JobSeeker, changed_by: User | None = None, on: datetime.date | None = None
):
    """The person is off our books from ``on`` (today): status 'left' with the leaving date."""
    return jobseeker_status_event(jobseeker=jobseeker, event="left", changed_by=changed_by, on=on)
