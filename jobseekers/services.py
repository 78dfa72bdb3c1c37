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

from .access import visible_jobseekers
from .models import Consent, JobSeeker, JobSeekerNote

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

CONSENT_FOLLOWUP_KIND = "consent_expiring"
CONSENT_WARNING_DAYS = 14


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
    if not visible_jobseekers(user).filter(pk=jobseeker.pk).exists():
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
    jobseeker = visible_jobseekers(user).filter(bsn_hash=crypto.keyed_hash(bsn)).first()
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
        warn_on = max(
            valid_until - datetime.timedelta(days=CONSENT_WARNING_DAYS), timezone.localdate()
        )
        followup_schedule(
            kind=CONSENT_FOLLOWUP_KIND,
            subject=consent,
            due_on=warn_on,
            title=str(_("A consent is about to expire")),
            # No name in the reminder: it may travel by email. The link leads to the file.
            body=str(
                _("%(kind)s, valid until %(until)s.")
                % {"kind": consent.get_kind_display(), "until": valid_until.isoformat()}
            ),
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
