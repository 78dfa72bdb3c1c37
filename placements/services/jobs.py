"""Paid work found: record the job and let an active placement complete with it; the job's
end, and the "still working?" checks some months after its start."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from baanbrekers.followups import followups_cancel_open, followups_done_about
from baanbrekers.limits import create_validated
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from employers.models import Employer
from jobseekers.models import JobSeeker, JobSeekerStatus
from jobseekers.services import jobseeker_back_to_looking, jobseeker_found_work

from ..models import (
    DevelopmentPlacement,
    JobCheck,
    JobCheckSource,
    JobOutcome,
    PlacementOutcome,
    PlacementStatus,
)
from ..transitions import transition_check
from ._common import add_months
from .placements import placement_complete


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
    if placement is not None:
        # During the placement or any time after it finished (the transitions table).
        transition_check(placement, "record_job", recorded_by)
        if placement.jobs.exists():
            # The page hides the button once a job is recorded; a second post must not double it.
            raise ValidationError(
                {"placement": _("Paid work after this placement has already been recorded.")}
            )
    with transaction.atomic():
        locked = JobSeeker.objects.select_for_update().get(pk=jobseeker.pk)
        job = create_validated(
            JobOutcome,
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
        jobseeker_found_work(jobseeker=locked, changed_by=recorded_by)
        audit_record(actor=recorded_by, action=AuditAction.CREATE, obj=job)
    return job


def job_retention_due_on(job: JobOutcome, months: int) -> datetime.date:
    """The day the ``months`` check of ``job`` falls due: that many months after its start."""
    return add_months(job.start_date, months)


def job_checks_open(job: JobOutcome, *, on: datetime.date | None = None) -> list[int]:
    """The month counts (settings.JOB_RETENTION_CHECK_MONTHS) whose check is due by ``on``
    (today), not answered yet, and still a question: a job that ended before the date has
    its answer already."""
    on = on or timezone.localdate()
    answered = set(job.checks.values_list("months", flat=True))
    return [
        months
        for months in settings.JOB_RETENTION_CHECK_MONTHS
        if months not in answered
        and job_retention_due_on(job, months) <= on
        and not job.ended_by(job_retention_due_on(job, months))
    ]


def job_checks_due_later(job: JobOutcome, *, on: datetime.date | None = None) -> list[int]:
    """The month counts whose check is still to come after ``on`` (today)."""
    on = on or timezone.localdate()
    return [
        months
        for months in settings.JOB_RETENTION_CHECK_MONTHS
        if job_retention_due_on(job, months) > on
        and not job.ended_by(job_retention_due_on(job, months))
    ]


def _retention_kinds(months: list[int] | tuple[int, ...]) -> list[str]:
    # Imported here: followup_rules imports this package (add_months).
    from ..followup_rules import job_retention_kind

    return [job_retention_kind(m) for m in months]


def job_outcome_end(
    *,
    job: JobOutcome,
    end_date: datetime.date,
    ended_by: User,
    reason: str = "",
) -> JobOutcome:
    """The job ended (or will end, a fixed-term contract) on ``end_date``.

    Checks due after the end are no longer asked (their open follow-ups are cancelled). When the
    job has ended by today and the person has no other job going on, their status goes back to
    'looking for work' (from 'working'; 'left' stays 'left').
    """
    if end_date < job.start_date:
        raise ValidationError({"end_date": _("The end must not be before the start.")})
    today = timezone.localdate()
    with transaction.atomic():
        locked = JobOutcome.objects.select_for_update().get(pk=job.pk)
        answered_working = locked.checks.filter(still_working=True).values_list("months", flat=True)
        for months in answered_working:
            if end_date < job_retention_due_on(locked, months):
                raise ValidationError(
                    {
                        "end_date": _(
                            "The %(months)s-month check says the person still worked there "
                            "on %(date)s."
                        )
                        % {
                            "months": months,
                            "date": date_format(job_retention_due_on(locked, months)),
                        }
                    }
                )
        locked.end_date = end_date
        locked.end_reason = (reason or "").strip()[:500]
        locked.save(update_fields=["end_date", "end_reason", "updated_at"])
        moot = [
            m
            for m in settings.JOB_RETENTION_CHECK_MONTHS
            if end_date < job_retention_due_on(locked, m)
        ]
        if moot:
            followups_cancel_open(subject=locked, kinds=_retention_kinds(moot))
        if end_date <= today:
            others = (
                JobOutcome.objects.filter(jobseeker_id=locked.jobseeker_id, start_date__lte=today)
                .exclude(pk=locked.pk)
                .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            )
            person = JobSeeker.objects.get(pk=locked.jobseeker_id)
            if person.status == JobSeekerStatus.WORKING and not others.exists():
                jobseeker_back_to_looking(jobseeker=person, changed_by=ended_by)
        audit_record(
            actor=ended_by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"fields": ["end_date", "end_reason"]},
        )
    job.end_date, job.end_reason = locked.end_date, locked.end_reason
    return locked


def job_check_record(
    *,
    job: JobOutcome,
    months: int,
    still_working: bool,
    source: str,
    recorded_by: User,
    checked_on: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> JobCheck:
    """Answers the "still working?" check ``months`` after the job's start, once per job and
    month count: from the caseworker (the follow-up, the job's page) or the employer (portal).

    The check can be answered from its due date on. Answering closes the matching open
    follow-up. "No longer working" may give the day the job ended; it is then recorded with
    job_outcome_end (which also asks no more checks after that day).
    """
    if months not in settings.JOB_RETENTION_CHECK_MONTHS:
        raise ValidationError(
            {"months": _("There is no check at %(months)s months.") % {"months": months}}
        )
    if source not in JobCheckSource.values:
        raise ValidationError({"source": _("Unknown source of the answer.")})
    today = timezone.localdate()
    checked_on = checked_on or today
    due_on = job_retention_due_on(job, months)
    if checked_on > today:
        raise ValidationError({"checked_on": _("The check date cannot be in the future.")})
    if checked_on < due_on:
        raise ValidationError(
            {
                "checked_on": _("The %(months)s-month check can be answered from %(date)s on.")
                % {"months": months, "date": date_format(due_on)}
            }
        )
    if still_working and end_date is not None:
        raise ValidationError(
            {"end_date": _("Leave the end date empty when the person still works there.")}
        )
    if end_date is not None and end_date > checked_on:
        raise ValidationError(
            {"end_date": _("The job cannot have ended after the day of the check.")}
        )
    with transaction.atomic():
        locked = JobOutcome.objects.select_for_update().get(pk=job.pk)
        if locked.checks.filter(months=months).exists():
            raise ValidationError(
                {
                    "months": _("The %(months)s-month check has been answered already.")
                    % {"months": months}
                }
            )
        if still_working and locked.ended_by(due_on):
            raise ValidationError(
                {
                    "still_working": _(
                        "This job ended on %(date)s, before the check date. Correct the end "
                        "date first if the person still works there."
                    )
                    % {"date": date_format(locked.end_date)}
                }
            )
        check = JobCheck.objects.create(
            job=locked,
            months=months,
            checked_on=checked_on,
            still_working=still_working,
            source=source,
            recorded_by=recorded_by,
        )
        followups_done_about(subject=locked, kinds=_retention_kinds([months]), user=recorded_by)
        audit_record(actor=recorded_by, action=AuditAction.CREATE, obj=check)
        if end_date is not None:
            job_outcome_end(job=locked, end_date=end_date, ended_by=recorded_by)
    job.end_date = locked.end_date
    return check
