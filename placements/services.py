"""Use cases of the pipeline: propose, answer, place, evaluate, record a job, pair a buddy.

Placement status is a small state machine with one function per transition; each locks the
placement row, re-reads its status and refuses a transition that is not allowed with a Dutch
message (a ``ValidationError``, so forms and the API show it as they show any other error):

    proposed ──agree──▶ agreed ──start──▶ active ──complete──▶ completed
        └────────────────┴──────end_early─────┴──────────────▶ ended_early
    active ──extend (at most PLACEMENT_MAX_EXTENSIONS times)──▶ active

The database has the last word on double work: a partial unique constraint allows one active
placement per job seeker, and an opening's places are counted under a row lock on the opening.
"""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.followups import followups_cancel_open
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record, followup_schedule
from employers.models import Employer, EmployerContact, Opening, OpeningStatus
from jobseekers.models import Consent, ConsentKind, JobSeeker, JobSeekerStatus

from .models import (
    FINAL_STATUSES,
    PLACE_TAKING_STATUSES,
    PLACEMENT_DEFAULT_MONTHS,
    PLACEMENT_MAX_EXTENSIONS,
    PLACEMENT_MAX_MONTHS,
    PLACEMENT_MAX_TOTAL_MONTHS,
    PLACEMENT_MIN_MONTHS,
    BuddyMeeting,
    BuddyPairing,
    BuddyStatus,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Introduction,
    JobOutcome,
    PlacementOutcome,
    PlacementStatus,
    Proposal,
    ProposalAnswer,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28
    or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


# How long before the planned end the caseworker is reminded to decide on paid work.
END_REMINDER_DAYS = 21


def _has_valid_consent(jobseeker: JobSeeker, kind: str) -> bool:
    return Consent.objects.valid(kind).filter(jobseeker=jobseeker).exists()


# --- Proposals -------------------------------------------------------------------------------
def proposal_create(
    *,
    jobseeker: JobSeeker,
    opening: Opening,
    proposed_by: User,
    motivation: str = "",
    match_score: int | None = None,
) -> Proposal:
    """Proposes a job seeker for an opening. Needs the job seeker's valid consent to share an
    anonymised profile and an open opening; proposing the same person twice is refused (the
    unique constraint decides when two caseworkers click at once)."""
    if not _has_valid_consent(jobseeker, ConsentKind.SHARE_PROFILE):
        raise ValidationError(
            _(
                "%(name)s has no valid consent to share an anonymised profile with employers. "
                "Record the consent first."
            )
            % {"name": jobseeker}
        )
    if opening.status != OpeningStatus.OPEN:
        raise ValidationError(_("This opening is no longer open."))
    if jobseeker.status in (JobSeekerStatus.LEFT, JobSeekerStatus.WORKING):
        raise ValidationError(
            _("%(name)s is not looking for work at the moment.") % {"name": jobseeker}
        )
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                jobseeker=jobseeker,
                opening=opening,
                proposed_by=proposed_by,
                motivation=motivation,
                match_score=match_score,
            )
            audit_record(actor=proposed_by, action=AuditAction.CREATE, obj=proposal)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s has already been proposed for this opening.") % {"name": jobseeker}
        ) from exc
    return proposal


def proposal_answer(
    *, proposal: Proposal, answer: str, reason: str = "", answered_by: User
) -> Proposal:
    """Records the employer's answer (by the employer in the portal or by a caseworker who heard
    it). 'Not now' and 'no' need a reason, so we learn from them."""
    if answer not in (ProposalAnswer.INTERESTED, ProposalAnswer.NOT_NOW, ProposalAnswer.NO):
        raise ValidationError({"answer": _("Choose interested, not now or no.")})
    reason = (reason or "").strip()
    if answer != ProposalAnswer.INTERESTED and not reason:
        raise ValidationError({"reason": _("Give a reason when the answer is 'not now' or 'no'.")})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.answer = answer
        proposal.answer_reason = reason
        proposal.answered_at = timezone.now()
        proposal.answered_by = answered_by
        proposal.save(update_fields=["answer", "answer_reason", "answered_at", "answered_by"])
        audit_record(
            actor=answered_by, action=AuditAction.UPDATE, obj=proposal, detail={"answer": answer}
        )
    return proposal


def proposal_agree_introduction(*, proposal: Proposal, agreed_by: User) -> Proposal:
    """From here on the employer may see the job seeker's name and contact details. Needs an
    interested employer and the job seeker's valid consent to an introduction."""
    if proposal.answer != ProposalAnswer.INTERESTED:
        raise ValidationError(_("An introduction follows only when the employer is interested."))
    if not _has_valid_consent(proposal.jobseeker, ConsentKind.INTRODUCTION):
        raise ValidationError(
            _("%(name)s has no valid consent to be introduced with contact details.")
            % {"name": proposal.jobseeker}
        )
    with transaction.atomic():
        proposal.introduction_agreed = True
        proposal.introduction_agreed_at = timezone.now()
        proposal.save(update_fields=["introduction_agreed", "introduction_agreed_at"])
        audit_record(
            actor=agreed_by, action=AuditAction.UPDATE, obj=proposal, detail={"introduction": True}
        )
    return proposal


# --- Development placements -----------------------------------------------------------------
def default_planned_end(start: datetime.date) -> datetime.date:
    return add_months(start, PLACEMENT_DEFAULT_MONTHS)


def _check_duration(start: datetime.date, end: datetime.date, field: str = "planned_end_date"):
    if end <= start:
        raise ValidationError({field: _("The planned end must be after the start.")})
    if end < add_months(start, PLACEMENT_MIN_MONTHS):
        raise ValidationError(
            {field: _("A placement lasts at least %(n)s months.") % {"n": PLACEMENT_MIN_MONTHS}}
        )
    if end > add_months(start, PLACEMENT_MAX_MONTHS):
        raise ValidationError(
            {field: _("A placement lasts at most %(n)s months.") % {"n": PLACEMENT_MAX_MONTHS}}
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
        placement = DevelopmentPlacement.objects.create(
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


def _locked(placement: DevelopmentPlacement) -> DevelopmentPlacement:
    return DevelopmentPlacement.objects.select_for_update().get(pk=placement.pk)


def _refuse(placement: DevelopmentPlacement, message: str):
    raise ValidationError(message % {"status": placement.get_status_display().lower()})


def _save(placement: DevelopmentPlacement, by: User, fields: list[str], event: str):
    placement.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=placement, detail={"event": event})


def placement_confirm_no_displacement(
    *, placement: DevelopmentPlacement, note: str, checked_by: User
) -> DevelopmentPlacement:
    """Records that the place does not replace a regular job. Needed before it can be agreed."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say how you checked that no regular job is replaced.")})
    with transaction.atomic():
        placement = _locked(placement)
        if placement.is_final:
            _refuse(placement, _("This placement is %(status)s; it can no longer be changed."))
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
        if placement.status != PlacementStatus.PROPOSED:
            _refuse(
                placement, _("Only a proposed placement can be agreed; this one is %(status)s.")
            )
        if not placement.no_displacement_confirmed:
            raise ValidationError(
                _("First record the check that this placement does not replace a regular job.")
            )
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
        if placement.status != PlacementStatus.AGREED:
            _refuse(placement, _("Only an agreed placement can start; this one is %(status)s."))
        if not placement.insurance_arranged:
            raise ValidationError(_("Arrange the insurance before the placement starts."))
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
        if jobseeker.status == JobSeekerStatus.ACTIVE:
            jobseeker.status = JobSeekerStatus.IN_PLACEMENT
            jobseeker.save(update_fields=["status", "updated_at"])
        _schedule_placement_followups(placement)
    return placement


PLACEMENT_REMINDER_KINDS = ["placement_midterm", "placement_end"]


def _schedule_placement_followups(placement: DevelopmentPlacement) -> None:
    assignee = placement.caseworker
    municipality_id = placement.jobseeker.municipality_id
    end_reminder_on = placement.planned_end_date - datetime.timedelta(days=END_REMINDER_DAYS)
    # A moved end date makes the reminders for the old dates outdated.
    followups_cancel_open(
        subject=placement,
        kinds=PLACEMENT_REMINDER_KINDS,
        except_due_on=[placement.midpoint, end_reminder_on],
    )
    followup_schedule(
        kind="placement_midterm",
        subject=placement,
        due_on=placement.midpoint,
        title=_("Mid-term evaluation of a development placement at %(employer)s")
        % {"employer": placement.employer},
        assignee=assignee,
        municipality=placement.jobseeker.municipality if municipality_id else None,
    )
    followup_schedule(
        kind="placement_end",
        subject=placement,
        due_on=end_reminder_on,
        title=_("Placement at %(employer)s ends on %(date)s: decide on paid work in time")
        % {"employer": placement.employer, "date": placement.planned_end_date.strftime("%d-%m-%Y")},
        assignee=assignee,
        municipality=placement.jobseeker.municipality if municipality_id else None,
    )


def placement_extend(
    *, placement: DevelopmentPlacement, new_end_date: datetime.date, extended_by: User
) -> DevelopmentPlacement:
    """active → active with a later planned end; at most PLACEMENT_MAX_EXTENSIONS times and never
    longer than PLACEMENT_MAX_TOTAL_MONTHS in all."""
    with transaction.atomic():
        placement = _locked(placement)
        if placement.status != PlacementStatus.ACTIVE:
            _refuse(
                placement, _("Only an active placement can be extended; this one is %(status)s.")
            )
        if placement.extension_count >= PLACEMENT_MAX_EXTENSIONS:
            raise ValidationError(
                _("This placement has already been extended; it can be extended only once.")
            )
        if new_end_date <= placement.planned_end_date:
            raise ValidationError(
                {"new_end_date": _("The new end must be after the current planned end.")}
            )
        if new_end_date > add_months(placement.start_date, PLACEMENT_MAX_TOTAL_MONTHS):
            raise ValidationError(
                {
                    "new_end_date": _("A placement lasts at most %(n)s months in all.")
                    % {"n": PLACEMENT_MAX_TOTAL_MONTHS}
                }
            )
        placement.planned_end_date = new_end_date
        placement.extension_count += 1
        _save(placement, extended_by, ["planned_end_date", "extension_count"], "extended")
        _schedule_placement_followups(placement)
    return placement


def _release_jobseeker(jobseeker_id: int, outcome: str) -> None:
    jobseeker = JobSeeker.objects.select_for_update().get(pk=jobseeker_id)
    if jobseeker.status == JobSeekerStatus.IN_PLACEMENT:
        jobseeker.status = (
            JobSeekerStatus.WORKING
            if outcome in (PlacementOutcome.PAID_JOB_HERE, PlacementOutcome.PAID_JOB_ELSEWHERE)
            else JobSeekerStatus.ACTIVE
        )
        jobseeker.save(update_fields=["status", "updated_at"])


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
        if placement.status != PlacementStatus.ACTIVE:
            _refuse(
                placement, _("Only an active placement can be completed; this one is %(status)s.")
            )
        placement.status = PlacementStatus.COMPLETED
        placement.outcome = outcome
        placement.ended_on = on or timezone.localdate()
        _save(placement, completed_by, ["status", "outcome", "ended_on"], "completed")
        _release_jobseeker(placement.jobseeker_id, outcome)
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
        if placement.status in FINAL_STATUSES:
            _refuse(placement, _("This placement is already %(status)s; it cannot end again."))
        was_active = placement.status == PlacementStatus.ACTIVE
        placement.status = PlacementStatus.ENDED_EARLY
        placement.end_reason = reason.strip()
        placement.outcome = outcome
        placement.ended_on = on or timezone.localdate()
        _save(placement, ended_by, ["status", "end_reason", "outcome", "ended_on"], "ended_early")
        followups_cancel_open(subject=placement, kinds=PLACEMENT_REMINDER_KINDS)
        if was_active:
            _release_jobseeker(placement.jobseeker_id, outcome)
    return placement


def checkin_record(
    *, placement: DevelopmentPlacement, held_on: datetime.date, notes: str, author: User
) -> CheckIn:
    if placement.status in (PlacementStatus.PROPOSED, PlacementStatus.ENDED_EARLY):
        _refuse(placement, _("Check-ins are recorded during a placement; this one is %(status)s."))
    if not (notes or "").strip():
        raise ValidationError({"notes": _("Write down how it is going.")})
    return CheckIn.objects.create(
        placement=placement, held_on=held_on, notes=notes.strip(), author=author
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
    """The mid-term or final evaluation, by the caseworker or the supervisor; one of each."""
    if placement.status not in (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED):
        _refuse(
            placement,
            _("Evaluations belong to an active or completed placement; this one is %(status)s."),
        )
    try:
        with transaction.atomic():
            return Evaluation.objects.create(
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


# --- Jobs -------------------------------------------------------------------------------------
def job_outcome_record(
    *,
    jobseeker: JobSeeker,
    contract_type: str,
    hours_per_week: int,
    start_date: datetime.date,
    route: str,
    recorded_by: User,
    employer: Employer | None = None,
    employer_name: str = "",
    placement: DevelopmentPlacement | None = None,
    salary_band: str = "",
) -> JobOutcome:
    """Paid work found. The job seeker's status becomes 'working'; an active placement of theirs
    completes with 'paid job here' (same employer) or 'paid job elsewhere'."""
    if employer is None and not (employer_name or "").strip():
        raise ValidationError({"employer": _("Choose the employer or type its name.")})
    if placement is not None and placement.jobseeker_id != jobseeker.pk:
        raise ValidationError({"placement": _("This placement belongs to someone else.")})
    with transaction.atomic():
        locked = JobSeeker.objects.select_for_update().get(pk=jobseeker.pk)
        job = JobOutcome.objects.create(
            jobseeker=locked,
            employer=employer,
            employer_name=(employer_name or "").strip(),
            placement=placement,
            contract_type=contract_type,
            hours_per_week=hours_per_week,
            start_date=start_date,
            salary_band=salary_band,
            route=route,
            recorded_by=recorded_by,
        )
        for active in DevelopmentPlacement.objects.filter(
            jobseeker=locked, status=PlacementStatus.ACTIVE
        ):
            here = employer is not None and active.employer_id == employer.pk
            placement_complete(
                placement=active,
                outcome=PlacementOutcome.PAID_JOB_HERE
                if here
                else PlacementOutcome.PAID_JOB_ELSEWHERE,
                completed_by=recorded_by,
            )
        locked.refresh_from_db(fields=["status"])
        if locked.status != JobSeekerStatus.WORKING:
            locked.status = JobSeekerStatus.WORKING
            locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=recorded_by, action=AuditAction.CREATE, obj=job)
    return job


# --- Buddies ----------------------------------------------------------------------------------
def buddy_pairing_create(
    *,
    jobseeker: JobSeeker,
    buddy_name: str,
    goals: str,
    start_date: datetime.date,
    created_by: User,
    buddy_organisation: str = "",
    buddy_email: str = "",
    buddy_phone: str = "",
    buddy_employer: Employer | None = None,
    end_date: datetime.date | None = None,
) -> BuddyPairing:
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end must not be before the start.")})
    with transaction.atomic():
        pairing = BuddyPairing.objects.create(
            jobseeker=jobseeker,
            buddy_name=buddy_name.strip(),
            buddy_organisation=buddy_organisation,
            buddy_email=buddy_email,
            buddy_phone=buddy_phone,
            buddy_employer=buddy_employer,
            goals=goals,
            start_date=start_date,
            end_date=end_date,
            caseworker=jobseeker.caseworker or created_by,
        )
        audit_record(actor=created_by, action=AuditAction.CREATE, obj=pairing)
    return pairing


def buddy_pairing_end(
    *, pairing: BuddyPairing, ended_by: User, on: datetime.date | None = None
) -> BuddyPairing:
    if pairing.status == BuddyStatus.ENDED:
        raise ValidationError(_("This buddy pairing has already ended."))
    on = on or timezone.localdate()
    if on < pairing.start_date:
        raise ValidationError({"end_date": _("The end must not be before the start.")})
    pairing.status = BuddyStatus.ENDED
    pairing.end_date = on
    pairing.save(update_fields=["status", "end_date"])
    audit_record(actor=ended_by, action=AuditAction.UPDATE, obj=pairing, detail={"event": "ended"})
    return pairing


def buddy_meeting_record(
    *, pairing: BuddyPairing, held_on: datetime.date, kind: str, notes: str = ""
) -> BuddyMeeting:
    if held_on < pairing.start_date:
        raise ValidationError({"held_on": _("The meeting cannot be before the pairing started.")})
    return BuddyMeeting.objects.create(pairing=pairing, held_on=held_on, kind=kind, notes=notes)


def introduction_record(
    *,
    pairing: BuddyPairing,
    introduced_on: datetime.date,
    person_name: str,
    company_name: str,
    outcome: str,
    employer: Employer | None = None,
    notes: str = "",
) -> Introduction:
    return Introduction.objects.create(
        pairing=pairing,
        introduced_on=introduced_on,
        person_name=person_name.strip(),
        company_name=company_name.strip() or (str(employer) if employer else ""),
        employer=employer,
        outcome=outcome,
        notes=notes,
    )
