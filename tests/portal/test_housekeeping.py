"""The portal's part of the nightly housekeeping (issue 13): expired invitations and stale claims
are removed after LEAD_TIMES["portal_cleanup"] days; accepted and approved ones stay."""

import datetime

from django.conf import settings
from django.utils import timezone

from portal.models import ClaimStatus, CompanyClaim, Invitation
from portal.retention import portal_housekeeping
from tests.portal.factories import CompanyClaimFactory


def _invitation(employer, n, *, expired_days_ago, accepted=False):
    now = timezone.now()
    return Invitation.objects.create(
        employer=employer,
        name=f"Persoon {n}",
        email=f"p{n}@example.org",
        token_hash=f"hash-{n}",
        expires_at=now - datetime.timedelta(days=expired_days_ago),
        accepted_at=now - datetime.timedelta(days=expired_days_ago + 1) if accepted else None,
    )


def test_expired_invitations_and_stale_claims_go_the_rest_stays(
    company_a, employer_contact_a, employer_contact_b
):
    grace = settings.LEAD_TIMES["portal_cleanup"]
    long_expired = _invitation(company_a, 1, expired_days_ago=grace + 1)
    just_expired = _invitation(company_a, 2, expired_days_ago=1)
    open_one = _invitation(company_a, 3, expired_days_ago=-7)
    accepted = _invitation(company_a, 4, expired_days_ago=grace + 100, accepted=True)

    old = timezone.now() - datetime.timedelta(days=grace + 1)
    stale = CompanyClaimFactory(employer=company_a, user=employer_contact_a)
    declined = CompanyClaimFactory(
        employer=company_a, user=employer_contact_b, status=ClaimStatus.DECLINED, decided_at=old
    )
    approved = CompanyClaimFactory(
        employer=company_a, user=employer_contact_b, status=ClaimStatus.APPROVED, decided_at=old
    )
    fresh = CompanyClaimFactory(employer=None, kvk_number="12345678", user=employer_contact_a)
    CompanyClaim.objects.filter(pk__in=[stale.pk, approved.pk, declined.pk]).update(created_at=old)

    assert portal_housekeeping() == 3
    assert set(Invitation.objects.all()) == {just_expired, open_one, accepted}
    assert long_expired.pk not in set(Invitation.objects.values_list("pk", flat=True))
    assert set(CompanyClaim.objects.all()) == {approved, fresh}
    # Safe to run twice.
    assert portal_housekeeping() == 0
