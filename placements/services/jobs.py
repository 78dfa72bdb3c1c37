"""Paid work found: record the job and let an active placement complete with it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from employers.models import Employer
from jobseekers.models import JobSeeker
from jobseekers.services import jobseeker_found_work

from ..models import DevelopmentPlacement, JobOutcome, PlacementOutcome, PlacementStatus
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
        jobseeker_found_work(jobseeker=locked, changed_by=recorded_by)
        audit_record(actor=recorded_by, action=AuditAction.CREATE, obj=job)
    return job
