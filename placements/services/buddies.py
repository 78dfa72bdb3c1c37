"""Buddies: pair a job seeker with a buddy, record their meetings and the introductions the
buddy makes."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.limits import create_validated
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from employers.models import Employer
from jobseekers.models import JobSeeker

from ..models import BuddyMeeting, BuddyPairing, BuddyStatus, Introduction


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
        pairing = create_validated(
            BuddyPairing,
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
    return create_validated(BuddyMeeting, pairing=pairing, held_on=held_on, kind=kind, notes=notes)


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
    return create_validated(
        Introduction,
        pairing=pairing,
        introduced_on=introduced_on,
        person_name=person_name.strip(),
        company_name=company_name.strip() or (str(employer) if employer else ""),
        employer=employer,
        outcome=outcome,
        notes=notes,
    )
