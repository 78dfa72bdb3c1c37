"""Use cases of job seekers' files. Pages, API and admin call these; each write of personal data
records an audit event in the same transaction (baanbrekers.services.audit_record).

Never pass a BSN into an audit event's detail, a log line or an exception message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from baanbrekers import crypto
from baanbrekers.access import sees_all_municipalities
from baanbrekers.followups import followups_about, followups_reassign
from baanbrekers.models import (
    AuditAction,
    AuditEvent,
    FollowUp,
    FollowUpStatus,
    OutboxEmail,
    OutboxStatus,
    User,
)
from baanbrekers.services import (
    audit_record,
    audit_record_many,
    followup_schedule,
    skills_from_names,
)

from .followup_rules import (
    KIND_CONSENT_REMINDER,
    consent_reminder_due_on,
    consent_reminder_params,
)
from .models import Consent, JobSeeker, JobSeekerNote, JobSeekerStatus
from .retention import person_data

# Fields a caseworker may set through jobseeker_create / jobseeker_update, in the order the
# page form shows them; the form, the API serializer and the admin list this tuple.
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
)
# Not the status and leaving date: they follow from what happens (placements, jobs) through
# the status events below; by hand only through ``jobseeker_status_change``, audited and
# consistent with the person's placements (issue 11).

# The expiry reminder's kind; its lead time is settings.LEAD_TIMES["consent_expiring"].
CONSENT_FOLLOWUP_KIND = KIND_CONSENT_REMINDER


def _clean(jobseeker: JobSeeker) -> None:
    """The limits table and the file's own rules (postcode in the municipality, phone and
    postcode notation, hours, text lengths), whoever calls: page, API, admin or import. The BSN
    is checked by ``_set_bsn``; uniqueness by the database."""
    exclude = ["bsn_encrypted", "bsn_hash"]
    if _loaded(jobseeker, "municipality"):
        # Read from the database by the caller (a form's or serializer's choice, an import's
        # list): Django's check that it exists would read it again, once per file.
        exclude.append("municipality")
    jobseeker.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _loaded(instance, name: str) -> bool:
    """The related object ``name`` is set on ``instance`` as a stored row, not only its id."""
    related = instance._state.fields_cache.get(name)
    return related is not None and related.pk is not None and not related._state.adding


def _duplicate_bsn_error() -> ValidationError:
    # Says that the person exists, never who or where: the user may not be allowed to see them.
    return ValidationError({"bsn": _("A job seeker with this BSN already exists.")}, code="unique")


def _refuse_if_anonymised(jobseeker: JobSeeker) -> None:
    """An anonymised file takes no new personal data (docs/privacy.md)."""
    if jobseeker.anonymised_on is not None:
        raise ValidationError(
            _("This file was anonymised; nothing can be added to it."), code="anonymised"
        )


def _check_municipality(user: User, municipality) -> None:
    if municipality is None or sees_all_municipalities(user):
        return
    if not user.municipalities.filter(pk=municipality.pk).exists():
        raise ValidationError(
            {"municipality": _("You can only add job seekers in your own municipalities.")},
            code="out_of_scope",
        )


@sensitive_variables("bsn")
def _set_bsn(jobseeker: JobSeeker, bsn: str, *, check_registered: bool = True) -> None:
    try:
        jobseeker.set_bsn(bsn)
    except ValidationError as exc:
        raise ValidationError({"bsn": exc.messages}, code="invalid_bsn") from None
    if check_registered:
        _refuse_registered_bsns([jobseeker])


def _refuse_registered_bsns(jobseekers: Sequence[JobSeeker]) -> None:
    """Whether any of these files' BSNs (keyed hashes) is already stored for another file: one
    query however many files."""
    clash = JobSeeker.objects.filter(bsn_hash__in=[j.bsn_hash for j in jobseekers])
    own = [j.pk for j in jobseekers if j.pk]
    if own:
        clash = clash.exclude(pk__in=own)
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
    jobseeker = jobseeker_build(user=user, bsn=bsn, data=data)
    (created,) = jobseekers_create_many(
        user=user, new=[(jobseeker, skill_names, interest_names)], request=request
    )
    return created


@sensitive_variables("bsn")
def jobseeker_build(*, user: User, bsn: str, data: Mapping[str, Any]) -> JobSeeker:
    """The checks of ``jobseeker_create`` before anything is written (municipality in the
    user's scope, the file's own rules, the BSN's eleven-test): an unsaved file with its BSN
    encrypted. Whether the BSN is already registered is checked when it is written
    (``jobseekers_create_many``, one query for many files). Raises ValidationError per field."""
    jobseeker = JobSeeker(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    _check_municipality(user, jobseeker.municipality if jobseeker.municipality_id else None)
    _clean(jobseeker)
    _set_bsn(jobseeker, bsn, check_registered=False)
    return jobseeker


def jobseekers_create_many(
    *,
    user: User,
    new: Sequence[tuple[JobSeeker, Iterable[str], Iterable[str]]],
    request: HttpRequest | None = None,
) -> list[JobSeeker]:
    """Writes files made by ``jobseeker_build`` — (file, skill names, interest names) each —
    all or nothing: the files in one insert, their skills and interests, an audit event for
    each. ``jobseeker_create`` is this for one file; an import passes a batch. Raises the
    "already exists" ValidationError when any of the BSNs is registered (then nothing is
    written: the caller learns which by creating them one by one)."""
    people = [person for person, _skills, _interests in new]
    if not people:
        return []
    _refuse_registered_bsns(people)
    resolved: dict[str, list] = {}

    def skills(names: Iterable[str]) -> list:
        names = list(names)
        if len(people) == 1:
            return skills_from_names(names)
        found: dict[int, Any] = {}
        for name in names:  # a batch shares its words: one look-up per word
            if name not in resolved:
                resolved[name] = skills_from_names([name])
            found.update((skill.pk, skill) for skill in resolved[name])
        return list(found.values())

    try:
        with transaction.atomic():
            JobSeeker.objects.bulk_create(people)
            for relation, index in (("skills", 1), ("interests", 2)):
                through = getattr(JobSeeker, relation).through
                through.objects.bulk_create(
                    through(jobseeker_id=item[0].pk, skill_id=skill.pk)
                    for item in new
                    for skill in skills(item[index])
                )
            audit_record_many(actor=user, action=AuditAction.CREATE, objs=people, request=request)
    except IntegrityError:
        for person in people:  # nothing was stored
            person.pk, person._state.adding = None, True
        if JobSeeker.objects.filter(bsn_hash__in=[p.bsn_hash for p in people]).exists():
            raise _duplicate_bsn_error() from None
        raise
    return people


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
    _refuse_if_anonymised(stored)
    for name, value in data.items():
        if name in EDITABLE_FIELDS:
            setattr(jobseeker, name, value)
    _clean(jobseeker)  # normalises too, so '5171ab' for '5171 AB' is no change
    changed: list[str] = [
        name
        for name in data
        if name in EDITABLE_FIELDS and getattr(stored, name) != getattr(jobseeker, name)
    ]
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


def jobseeker_reveal_bsn_refused(
    *, jobseeker: JobSeeker, user: User, reason: str, request: HttpRequest | None = None
) -> None:
    """A reveal refused for too many attempts is written to the audit log too (with
    ``detail.refused``; nothing was shown): a burst of reveals is what the privacy officer
    looks for. Call it outside the transaction that the refusal rolls back."""
    audit_record(
        actor=user,
        action=AuditAction.REVEAL,
        obj=jobseeker,
        detail={"refused": reason},
        request=request,
    )


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
    _refuse_if_anonymised(jobseeker)
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
    _refuse_if_anonymised(jobseeker)
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


# The events a caseworker may record by hand on the file, and from which statuses. Someone in a
# placement first ends the placement (its page); 'working' comes from recording the job.
MANUAL_STATUS_EVENTS: dict[str, frozenset[str]] = {
    "left": frozenset({JobSeekerStatus.ACTIVE, JobSeekerStatus.WORKING}),
    "back_to_looking": frozenset({JobSeekerStatus.WORKING, JobSeekerStatus.LEFT}),
}


def jobseeker_manual_status_events(jobseeker: JobSeeker) -> list[str]:
    """The status events the file offers for this person now."""
    return [e for e, sources in MANUAL_STATUS_EVENTS.items() if jobseeker.status in sources]


def jobseeker_status_change(
    *,
    jobseeker: JobSeeker,
    event: str,
    changed_by: User,
    on: datetime.date | None = None,
) -> JobSeeker:
    """A status change by hand ("has left", "looking for work again"): only the events of
    MANUAL_STATUS_EVENTS, from their statuses, checked on the locked row and audited by the
    status event. A leaving date does not lie in the future."""
    if event not in MANUAL_STATUS_EVENTS:
        raise ValidationError(_("This status cannot be set by hand."))
    if on is not None and on > timezone.localdate():
        raise ValidationError({"on": _("The leaving date cannot be in the future.")})
    with transaction.atomic():
        locked = JobSeeker.objects.select_for_update().get(pk=jobseeker.pk)
        if locked.status not in MANUAL_STATUS_EVENTS[event]:
            if locked.status == JobSeekerStatus.IN_PLACEMENT:
                raise ValidationError(
                    _("%(name)s is in a development placement: end the placement first.")
                    % {"name": locked}
                )
            raise ValidationError(
                _("This status change does not apply to someone who is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        return jobseeker_status_event(
            jobseeker=jobseeker, event=event, changed_by=changed_by, on=on
        )


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


# --- Retention and the right of access (AVG) ----------------------------------------------------
# How long a file is kept is settings.RETENTION_YEARS (docs/privacy.md says why, for the privacy
# officer). "No activity" is ``JobSeeker.objects.inactive_since``; what the higher apps hold is
# registered in ``jobseekers.retention.person_data``.

# Follow-ups about an anonymised person: still to do or needing attention are closed; those on
# their way are left to finish; all lose the text that named the person.
_FOLLOWUPS_CANCELLED_ON_ANONYMISE = (
    FollowUpStatus.PENDING,
    FollowUpStatus.FAILED,
    FollowUpStatus.UNCERTAIN,
)
ANONYMISED_FOLLOWUP_TITLE = "Opvolging over een geanonimiseerde persoon"


def retention_cutoff(
    *, today: datetime.date | None = None, years: int | None = None
) -> datetime.date:
    """The first day that still counts as recent: ``years`` (settings.RETENTION_YEARS) before
    ``today``. 29 February becomes 28 February in a year without it."""
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS if years is None else years
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _followups_close_and_scrub(jobseeker: JobSeeker) -> int:
    """Closes the person's follow-ups and removes the rendered texts that name them (the row's
    title and details, the mail in the outbox)."""
    about = followups_about(jobseeker, statuses=FollowUpStatus.values)
    ids = list(about.values_list("pk", flat=True))
    if not ids:
        return 0
    rows = FollowUp.objects.filter(pk__in=ids)
    rows.filter(status__in=_FOLLOWUPS_CANCELLED_ON_ANONYMISE).update(
        status=FollowUpStatus.CANCELLED, next_attempt_at=None
    )
    rows.filter(status=FollowUpStatus.SENT).update(
        status=FollowUpStatus.DONE, done_at=timezone.now()
    )
    # Stored in Dutch like every stored title (FollowUp.title_text): the admin searches it.
    rows.update(title_text=ANONYMISED_FOLLOWUP_TITLE, body_text="", params=None, last_error="")
    # A mail not yet on its way is not sent any more; mails that went keep only their address.
    OutboxEmail.objects.filter(followup_id__in=ids, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.FAILED, last_error="Niet verstuurd: de persoon is geanonimiseerd."
    )
    OutboxEmail.objects.filter(followup_id__in=ids).exclude(status=OutboxStatus.SENDING).update(
        subject=ANONYMISED_FOLLOWUP_TITLE, body_text="", body_html=""
    )
    return len(ids)


def jobseeker_anonymise(
    *,
    jobseeker: JobSeeker,
    inactive_since: datetime.date | None = None,
    on: datetime.date | None = None,
) -> bool:
    """Removes a person's personal data and keeps what the statistics count.

    The row stays with its municipality, benefit, categories and dates (created, status, the
    roll-up's joins), so the roll-up (stats.rollup) gives the same figures before and after.
    It loses the name, the BSN (encrypted value and keyed hash), the birth day (the year stays),
    contact details, the postcode beyond its four digits, free text, skills, notes and consents;
    their follow-ups are closed and their texts removed; the higher apps blank their free text
    (``person_data``). The person is marked as left and ``anonymised_on``.

    Idempotent under a row lock: a second call (or a second run of the job at the same time)
    finds ``anonymised_on`` set and returns False. With ``inactive_since`` the inactivity is
    checked again under the lock, so a file that came back to life since the job's query is
    left alone. One audit event per person, without personal data (actor: the system).
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = JobSeeker.objects.select_for_update().get(pk=jobseeker.pk)
        if locked.anonymised_on is not None:
            return False
        if (
            inactive_since is not None
            and not JobSeeker.objects.filter(pk=locked.pk).inactive_since(inactive_since).exists()
        ):
            return False
        followups = _followups_close_and_scrub(locked)  # before the consents go: it finds theirs
        for part in person_data.parts():
            if part.anonymise is not None:
                part.anonymise(locked)
        notes = locked.notes.all().delete()[0]
        consents = locked.consents.all().delete()[0]
        locked.skills.clear()
        locked.interests.clear()
        locked.first_name = ""
        locked.last_name = ""
        locked.bsn_encrypted = ""
        # Unique and not null; a keyed hash is 64 hex digits, so this never matches a BSN search.
        locked.bsn_hash = f"anonymised-{locked.pk}"
        locked.birth_date = datetime.date(locked.birth_date.year, 1, 1)
        locked.email = ""
        locked.phone = ""
        locked.postcode = (locked.postcode or "")[:4]
        locked.experience = ""
        locked.limitations = ""
        if locked.status != JobSeekerStatus.LEFT:
            locked.status = JobSeekerStatus.LEFT
            locked.left_on = locked.left_on or on
        locked.anonymised_on = on
        locked.save()
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={
                "anonymised": True,
                "reason": "retention",
                "retention_years": settings.RETENTION_YEARS,
                "inactive_since": inactive_since.isoformat() if inactive_since else None,
                "notes_deleted": notes,
                "consents_deleted": consents,
                "followups_closed": followups,
            },
        )
    jobseeker.anonymised_on = on
    return True


def jobseekers_anonymise_inactive(
    *, today: datetime.date | None = None, years: int | None = None
) -> int:
    """The retention job: anonymises everyone without activity for ``years``
    (settings.RETENTION_YEARS) and returns how many. Each person in their own transaction, so a
    run that stops half-way keeps what it did and the next run does the rest; safe to run twice
    or at once (``jobseeker_anonymise`` locks and checks)."""
    since = retention_cutoff(today=today, years=years)
    pks = list(
        JobSeeker.objects.not_anonymised()
        .inactive_since(since)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for pk in pks:
        if jobseeker_anonymise(jobseeker=JobSeeker(pk=pk), inactive_since=since, on=today):
            done += 1
    return done


def _display(obj, field) -> str:
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if field.is_relation:
        return str(getattr(obj, field.name))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


# Never in an export: secrets and keyed values that mean nothing to the person.
_NOT_EXPORTED = {"bsn_encrypted", "bsn_hash", "token_hash", "params", "message_id"}


def export_record(obj, *, skip: Iterable[str] = ()) -> dict[str, str]:
    """One record as {field label: readable value}, empty fields left out; the link back to the
    person (``jobseeker``) is left out too, it is the export's subject."""
    skip = set(skip) | _NOT_EXPORTED | {"jobseeker"}
    record: dict[str, str] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.name.endswith("_hash"):
            continue
        value = _display(obj, field)
        if value:
            record[str(field.verbose_name).capitalize()] = value
    return record


def jobseeker_data_export(
    *, jobseeker: JobSeeker, user: User, fmt: str = "json", request: HttpRequest | None = None
) -> dict[str, Any]:
    """Everything the platform holds about one person, for a request under AVG article 15:
    the file, notes, consents, what the higher apps register (``person_data``: visit sign-ups,
    clicks, proposals, placements, jobs, buddy pairs) and the audit events about them.

    Coordinators only (raises PermissionError otherwise); the export itself is audited. The BSN
    is shown masked: the person knows it, and a document travelling by mail should not carry it
    whole (docs/privacy.md).
    """
    if not (user.is_authenticated and user.is_active and user.is_coordinator):
        raise PermissionError("only coordinators export a person's data")
    person = export_record(jobseeker)
    person[str(_("BSN"))] = jobseeker.masked_bsn
    for label, relation in (
        (_("Skills"), jobseeker.skills),
        (_("Interests and hobbies"), jobseeker.interests),
    ):
        names = ", ".join(s.name for s in relation.all())
        if names:
            person[str(label)] = names
    sections: list[dict[str, Any]] = [
        {"title": str(_("Notes")), "records": [export_record(n) for n in jobseeker.notes.all()]},
        {
            "title": str(_("Consents")),
            "records": [export_record(c) for c in jobseeker.consents.all()],
        },
    ]
    for part in person_data.parts():
        if part.export is None:
            continue
        for title, queryset in part.export(jobseeker):
            sections.append({"title": str(title), "records": [export_record(o) for o in queryset]})
    label = JobSeeker._meta.label
    events = AuditEvent.objects.filter(
        Q(object_type=label, object_id=str(jobseeker.pk))
        | Q(object_type=label, detail__ids__contains=[jobseeker.pk])
    ).order_by("at", "id")
    sections.append(
        {
            "title": str(_("Who viewed or changed this file (audit log)")),
            "records": [
                {
                    str(_("At")): timezone.localtime(e.at).isoformat(timespec="minutes"),
                    str(_("Action")): e.get_action_display(),
                    str(_("By")): e.actor_email or str(_("the system")),
                    **({str(_("In a list")): e.detail["list"]} if "list" in e.detail else {}),
                }
                for e in events
            ],
        }
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            obj=jobseeker,
            detail={"avg": "article 15", "format": fmt},
            request=request,
        )
    return {
        "subject": str(jobseeker),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "generated_by": user.email,
        "person": person,
        "sections": sections,
    }
