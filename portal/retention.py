"""The portal's housekeeping and its part of a person's data.

- ``portal_housekeeping``: removes invitations that expired without being accepted and company
  claims nobody decided on or that were declined, once they are
  ``LEAD_TIMES["portal_cleanup"]`` days old (the grace lets someone with a just-expired link
  still read "expired", and a declined person read why). Accepted invitations and approved
  claims stay: they record how an account got access to a company. Registered with the
  nightly job (baanbrekers.housekeeping).
- The employer's answer about paid work after a placement (``PaidWorkAnswer``) is part of the
  job seeker's data (jobseekers.retention): listed in the AVG export, its explanation blanked
  on anonymisation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.housekeeping import housekeeping_register
from jobseekers.models import JobSeeker
from jobseekers.retention import person_data

from .models import ClaimStatus, CompanyClaim, Invitation, PaidWorkAnswer


def portal_housekeeping(*, now: datetime.datetime | None = None) -> int:
    """Deletes expired invitations and stale claims; returns how many rows went. Idempotent."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.LEAD_TIMES["portal_cleanup"])
    with transaction.atomic():
        invitations, _detail = Invitation.objects.filter(
            accepted_at__isnull=True, expires_at__lt=before
        ).delete()
        claims, _detail = CompanyClaim.objects.filter(
            Q(status=ClaimStatus.PENDING, created_at__lt=before)
            | Q(status=ClaimStatus.DECLINED, decided_at__lt=before)
        ).delete()
    return invitations + claims


def person_records(jobseeker: JobSeeker) -> Iterable[tuple[str, QuerySet]]:
    yield (
        _("Employers' answers about paid work after a placement"),
        PaidWorkAnswer.objects.filter(placement__jobseeker=jobseeker),
    )


def person_anonymise(jobseeker: JobSeeker) -> None:
    PaidWorkAnswer.objects.filter(placement__jobseeker=jobseeker).update(note="")


def register() -> None:
    housekeeping_register("portal_invitations_and_claims", portal_housekeeping)
    person_data.register(key="portal", export=person_records, anonymise=person_anonymise)
