import pytest
from django.core.management import call_command

from baanbrekers import demo as base_demo
from baanbrekers.demo import DemoContext
from employers.models import EmployerContact
from placements.models import Proposal, ProposalAnswer
from portal import demo
from portal.models import ClaimStatus, CompanyClaim

pytestmark = pytest.mark.django_db


def test_portal_demo_works_without_the_other_apps_demo_data():
    ctx = DemoContext(password="demo-password-for-tests")
    base_demo.seed(ctx)
    demo.seed(ctx)
    demo.seed(ctx)
    assert EmployerContact.objects.filter(user__email="employer@example.org").count() == 1
    assert EmployerContact.objects.filter(user__email="werkgever2@example.org").count() == 2
    assert not Proposal.objects.exists()  # no job seekers without their demo data


def test_seed_demo_gives_portal_users_with_candidates_waiting_and_runs_twice(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    counts = (
        Proposal.objects.count(),
        EmployerContact.objects.count(),
        CompanyClaim.objects.count(),
    )
    call_command("seed_demo")
    assert (
        Proposal.objects.count(),
        EmployerContact.objects.count(),
        CompanyClaim.objects.count(),
    ) == counts

    companies = EmployerContact.objects.filter(
        user__email__in=["employer@example.org", "werkgever2@example.org"]
    ).values_list("employer", flat=True)
    assert len(set(companies)) == 3
    waiting = Proposal.objects.filter(
        opening__employer__in=companies, answer=ProposalAnswer.PENDING
    )
    assert waiting.exists()
    assert CompanyClaim.objects.filter(
        user__email="nieuw@example.org", status=ClaimStatus.PENDING
    ).exists()
