"""Development placements: create, agree, start, extend, complete, end early; check-ins and
evaluations.

Placement status is a small state machine with one function per transition; each locks the
placement row, re-reads it and asks ``placements.transitions`` (the one table of who may do what,
from which status, under which guard), which refuses with a Dutch message (a
``ValidationError``, so forms and the API show it as they show any other error). Limits come from
settings (``PLACEMENT_*``); the job seeker's status is the ``jobseekers`` app's to change.

The database has the last word on double work: a partial unique constraint allows one active
placement per job seeker, and an opening's places are counted under a row lock on the opening.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.access import is_employer_contact
from baanbrekers.followups import followups_cancel_open
from baanbrekers.limits import check_limits, create_validated
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record, followup_schedule
from employers.models import Employer, EmployerContact, Opening, OpeningStatus
from jobseekers.models import JobSeeker
from jobseekers.services import jobseeker_placement_ended, jobseeker_placement_started

from ..models import (
    PLACE_TAKING_STATUSES,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Evaluator,
    PlacementOutcome,
    PlacementStatus,
    Proposal,
)
from ..transitions import transition_check
from ._common import _locked, _save, add_months


def default_planned_end(start: datetime.date) -> datetime.date:
    return add_months(start, settings.PLACEMENT_DEFAULT_MONTHS)


def _check_duration(start: datetime.date, end: datetime.date, field: str = "planned_end_date"):
    if end <= start:
        raise ValidationError({field: _("The planned end must be after the start.")})
    shortest, longest = settings.PLACEMENT_MIN_MONTHS, settings.PLACEMENT_MAX_MONTHS
    if end < add_months(start, shortest):
        raise ValidationError(
            {field: _("A placement lasts at least %(n)s months.") % {"n": shortest}}
        )
    if end > add_months(start, longest):
        raise ValidationError(
            {field: _("A placement lasts at most %(n)s months.") % {"n": longest}}
        )


def placement_create(
    *,
    jobseeker: JobSeeker,
    employer: Employer,
    start_date: datetime.date,
    hours_per_week: int,
    learning_goals: str,
    created_by: User,
    planned_end_date: datetime.date | None = None,
    opening: Opening | None = None,
    proposal: Proposal | None = None,
    supervisor: EmployerContact | None = None,
    benefit_kept: bool = True,
    insurance_arranged: bool = False,
) -> DevelopmentPlacement:
    """A placement in status 'proposed'. It takes no place of the opening until it is agreed."""
    planned_end_date = planned_end_date or default_planned_end(start_date)
    _check_duration(start_date, planned_end_date)
    if opening is not None and opening.employer_id != employer.pk:
        raise ValidationError({"opening": _("This opening belongs to another employer.")})
    if supervisor is not None and supervisor.employer_id != employer.pk:
        raise ValidationError({"supervisor": _("The supervisor must work at this employer.")})
    if not (learning_goals or "").strip():
        raise ValidationError({"learning_goals": _("Describe what the job seeker will learn.")})
    with transaction.atomic():
        placement = create_validated(
            DevelopmentPlacement,
            jobseeker=jobseeker,
            employer=employer,
            opening=opening,
            proposal=proposal,
            supervisor=supervisor,
            caseworker=jobseeker.caseworker or created_by,
            start_date=start_date,
            planned_end_date=planned_end_date,
            original_end_date=planned_end_date,
            hours_per_week=hours_per_week,
            learning_goals=learning_goals.strip(),
            benefit_kept=benefit_kept,
            insurance_arranged=insurance_arranged,
            created_by=created_by,
        )
        audit_record(actor=created_by, action=AuditAction.CREATE, obj=placement)
    return placement


# What may be changed before the start (action "edit") and corrected after it (action "correct",
# with a reason). The planned end of a running placement moves by extending it, not here.
EDITABLE_FIELDS = (
    "start_date",
    "planned_end_date",
    "supervisor",
    "hours_per_week",
    "learning_goals",
    "benefit_kept",
    "insurance_arranged",
)
CORRECTABLE_FIELDS = ("start_date", "supervisor", "hours_per_week", "learning_goals")


def _audit_value(value) -> str | int | bool | None:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def placement_update(
    *,
    placement: DevelopmentPlacement,
    changed_by: User,
    reason: str = "",
    **changes,
) -> DevelopmentPlacement:
    """Changes the agreements of a placement. Before the start (proposed, agreed) the dates,
    supervisor, hours, learning goals, benefit and insurance may change; once it runs only the
    start date, supervisor, hours and learning goals, as a correction with a reason. Either way
    the audit log keeps what changed from what to what (and the reason).

    The row is locked and re-read, so the status checked is the status changed; a running
    placement's reminders move with its dates.
    """
    with transaction.atomic():
        placement = _locked(placement)
        started = placement.status == PlacementStatus.ACTIVE
        transition_check(placement, "correct" if started else "edit", changed_by)
        allowed = CORRECTABLE_FIELDS if started else EDITABLE_FIELDS
        unknown = set(changes) - set(allowed)
        if unknown:
            raise ValidationError(
                {
                    field: _("This can no longer be changed once the placement has started.")
                    for field in sorted(unknown)
                }
            )
        if started and not (reason or "").strip():
            raise ValidationError({"reason": _("Say why the agreements are corrected.")})
        supervisor = changes.get("supervisor", placement.supervisor)
        if supervisor is not None and supervisor.employer_id != placement.employer_id:
            raise ValidationError({"supervisor": _("The supervisor must work at this employer.")})
        if "learning_goals" in changes:
            changes["learning_goals"] = (changes["learning_goals"] or "").strip()
            if not changes["learning_goals"]:
                raise ValidationError(
                    {"learning_goals": _("Describe what the job seeker will learn.")}
                )
        start = changes.get("start_date", placement.start_date)
        end = changes.get("planned_end_date", placement.planned_end_date)
        if start != placement.start_date or end != placement.planned_end_date:
            _check_duration(start, end)
        diff = {}
        for field, value in changes.items():
            old = getattr(placement, field)
            if old != value:
                diff[field] = [_audit_value(old), _audit_value(value)]
                setattr(placement, field, value)
        if not diff:
            return placement
        fields = list(diff)
        if "planned_end_date" in diff and not started:
            # Before the start the agreed end is still the original one (extensions count from it).
            placement.original_end_date = placement.planned_end_date
            fields.append("original_end_date")
        check_limits(placement)  # hours, dates, benefit: the limits table, as on creation
        placement.save(update_fields=[*fields, "updated_at"])
        detail = {"event": "corrected" if started else "edited", "changes": diff}
        if started:
            detail["reason"] = reason.strip()
        audit_record(actor=changed_by, action=AuditAction.UPDATE, obj=placement, detail=detail)
        if started and ("start_date" in diff):
            _schedule_placement_followups(placement)
    return placement


def placement_confirm_no_displacement(
    *, placement: DevelopmentPlacement, note: str, checked_by: User
) -> DevelopmentPlacement:
    """Records that the place does not replace a regular job. Needed before it can be agreed."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say how you checked that no regular job is replaced.")})
    with transaction.atomic():
        placement = _locked(placement)
        transition_check(placement, "confirm_no_displacement", checked_by)
        placement.no_displacement_confirmed = True
        placement.no_displacement_note = note.strip()
        placement.no_displacement_checked_by = checked_by
        placement.no_displacement_checked_at = timezone.now()
        _save(
            placement,
            checked_by,
            [
                "no_displacement_confirmed",
                "no_displacement_note",
                "no_displacement_checked_by",
                "no_displacement_checked_at",
            ],
            "no_displacement",
        )
    return placement


def placement_agree(*, placement: DevelopmentPlacement, agreed_by: User) -> DevelopmentPlacement:
    """proposed → agreed. Needs the no-displacement check and a free place on the opening.

    Concurrency: the opening's row is locked before its places are counted, so two caseworkers
    agreeing the last place at once are served one after the other and the second is refused.
    """
    with transaction.atomic():
        if placement.opening_id:
            opening = Opening.objects.select_for_update().get(pk=placement.opening_id)
        placement = _locked(placement)
        transition_check(placement, "agree", agreed_by)
        if placement.opening_id:
            taken = (
                DevelopmentPlacement.objects.filter(
                    opening_id=opening.pk, status__in=PLACE_TAKING_STATUSES
                )
                .exclude(pk=placement.pk)
                .count()
            )
            if taken >= opening.places:
                raise ValidationError(
                    _("All %(places)s places of this opening are taken.")
                    % {"places": opening.places}
                )
            if taken + 1 >= opening.places and opening.status == OpeningStatus.OPEN:
                opening.status = OpeningStatus.FILLED
                opening.save(update_fields=["status", "updated_at"])
        placement.status = PlacementStatus.AGREED
        _save(placement, agreed_by, ["status"], "agreed")
    return placement


def placement_start(
    *, placement: DevelopmentPlacement, started_by: User, on: datetime.date | None = None
) -> DevelopmentPlacement:
    """agreed → active. Needs insurance arranged. The job seeker's row is locked so that two
    placements of one person cannot start at once; the partial unique constraint backs this up."""
    on = on or timezone.localdate()
    with transaction.atomic():
        placement = _locked(placement)
        transition_check(placement, "start", started_by)
        jobseeker = JobSeeker.objects.select_for_update().get(pk=placement.jobseeker_id)
        if DevelopmentPlacement.objects.filter(
            jobseeker=jobseeker, status=PlacementStatus.ACTIVE
        ).exists():
            raise ValidationError(
                _("%(name)s already has an active placement.") % {"name": jobseeker}
            )
        placement.status = PlacementStatus.ACTIVE
        placement.started_on = on
        try:
            with transaction.atomic():
                _save(placement, started_by, ["status", "started_on"], "started")
        except IntegrityError as exc:
            raise ValidationError(
                _("%(name)s already has an active placement.") % {"name": jobseeker}
            ) from exc
        jobseeker_placement_started(jobseeker=jobseeker, changed_by=started_by)
        _schedule_placement_followups(placement)
    return placement


PLACEMENT_REMINDER_KINDS = ["placement_midterm", "placement_end"]


def _schedule_placement_followups(placement: DevelopmentPlacement) -> None:
    assignee = placement.caseworker
    municipality_id = placement.jobseeker.municipality_id
    end_reminder_on = placement.planned_end_date - datetime.timedelta(
        days=settings.LEAD_TIMES["placement_ending"]
    )
    # A moved end date makes the reminders for the old dates outdated.
    followups_cancel_open(
        subject=placement,
        kinds=PLACEMENT_REMINDER_KINDS,
        keep=[("placement_midterm", placement.midpoint), ("placement_end", end_reminder_on)],
    )
    followup_schedule(
        kind="placement_midterm",
        subject=placement,
        due_on=placement.midpoint,
        params={"employer": str(placement.employer)},
        assignee=assignee,
        municipality=placement.jobseeker.municipality if municipality_id else None,
    )
    followup_schedule(
        kind="placement_end",
        subject=placement,
        due_on=end_reminder_on,
        params={
            "employer": str(placement.employer),
            "date": placement.planned_end_date.strftime("%d-%m-%Y"),
        },
        assignee=assignee,
        municipality=placement.jobseeker.municipality if municipality_id else None,
    )


def placement_extend(
    *, placement: DevelopmentPlacement, new_end_date: datetime.date, extended_by: User
) -> DevelopmentPlacement:
    """active → active with a later planned end; at most settings.PLACEMENT_MAX_EXTENSIONS times
    (the transitions table's guard) and never longer than PLACEMENT_MAX_TOTAL_MONTHS in all."""
    with transaction.atomic():
        placement = _locked(placement)
        transition_check(placement, "extend", extended_by)
        if new_end_date <= placement.planned_end_date:
            raise ValidationError(
                {"new_end_date": _("The new end must be after the current planned end.")}
            )
        total = settings.PLACEMENT_MAX_TOTAL_MONTHS
        if new_end_date > add_months(placement.start_date, total):
            raise ValidationError(
                {"new_end_date": _("A placement lasts at most %(n)s months in all.") % {"n": total}}
            )
        placement.planned_end_date = new_end_date
        placement.extension_count += 1
        _save(placement, extended_by, ["planned_end_date", "extension_count"], "extended")
        _schedule_placement_followups(placement)
    return placement


def _release_jobseeker(jobseeker_id: int, outcome: str, by: User) -> None:
    jobseeker_placement_ended(
        jobseeker=JobSeeker(pk=jobseeker_id),
        found_work=outcome in (PlacementOutcome.PAID_JOB_HERE, PlacementOutcome.PAID_JOB_ELSEWHERE),
        changed_by=by,
    )


def placement_complete(
    *,
    placement: DevelopmentPlacement,
    outcome: str,
    completed_by: User,
    on: datetime.date | None = None,
) -> DevelopmentPlacement:
    """active → completed, with its outcome."""
    if outcome not in PlacementOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the placement.")})
    with transaction.atomic():
        placement = _locked(placement)
        transition_check(placement, "complete", completed_by)
        placement.status = PlacementStatus.COMPLETED
        placement.outcome = outcome
        placement.ended_on = on or timezone.localdate()
        _save(placement, completed_by, ["status", "outcome", "ended_on"], "completed")
        _release_jobseeker(placement.jobseeker_id, outcome, completed_by)
        followups_cancel_open(subject=placement, kinds=PLACEMENT_REMINDER_KINDS)
    return placement


def placement_end_early(
    *,
    placement: DevelopmentPlacement,
    reason: str,
    ended_by: User,
    outcome: str = PlacementOutcome.NONE,
    on: datetime.date | None = None,
) -> DevelopmentPlacement:
    """proposed, agreed or active → ended early (before it started: it did not go ahead)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason the placement ends early.")})
    if outcome not in PlacementOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the placement.")})
    with transaction.atomic():
        placement = _locked(placement)
        transition_check(placement, "end_early", ended_by)
        was_active = placement.status == PlacementStatus.ACTIVE
        placement.status = PlacementStatus.ENDED_EARLY
        placement.end_reason = reason.strip()
        placement.outcome = outcome
        placement.ended_on = on or timezone.localdate()
        _save(placement, ended_by, ["status", "end_reason", "outcome", "ended_on"], "ended_early")
        followups_cancel_open(subject=placement, kinds=PLACEMENT_REMINDER_KINDS)
        if was_active:
            _release_jobseeker(placement.jobseeker_id, outcome, ended_by)
    return placement


def checkin_record(
    *, placement: DevelopmentPlacement, held_on: datetime.date, notes: str, author: User
) -> CheckIn:
    transition_check(placement, "checkin", author)
    if not (notes or "").strip():
        raise ValidationError({"notes": _("Write down how it is going.")})
    return create_validated(
        CheckIn, placement=placement, held_on=held_on, notes=notes.strip(), author=author
    )


def evaluation_record(
    *,
    placement: DevelopmentPlacement,
    moment: str,
    evaluator: str,
    held_on: datetime.date,
    progress: str,
    recorded_by: User,
    rating: int | None = None,
    next_steps: str = "",
) -> Evaluation:
    """The mid-term or final evaluation, by the caseworker or the supervisor; one of each.

    An employer contact (the supervisor, or a colleague at the same company: the transitions
    table's who) files the supervisor's. Dated within the placement (``Evaluation.clean``).
    """
    transition_check(placement, "evaluation", recorded_by)
    if is_employer_contact(recorded_by) and evaluator != Evaluator.SUPERVISOR:
        raise ValidationError({"evaluator": _("The company files the supervisor's evaluation.")})
    try:
        with transaction.atomic():
            return create_validated(
                Evaluation,
                placement=placement,
                moment=moment,
                evaluator=evaluator,
                held_on=held_on,
                progress=progress,
                rating=rating,
                next_steps=next_steps,
                recorded_by=recorded_by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This evaluation has already been recorded for this placement.")
        ) from exc
