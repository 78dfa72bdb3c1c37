"""The demo fills the pipeline believably, once."""

import pytest
from django.core.management import call_command

from placements.models import BuddyPairing, DevelopmentPlacement, Introduction, JobOutcome, Proposal

pytestmark = pytest.mark.django_db


def test_demo_pipeline_is_believable_and_idempotent(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    counts = [
        m.objects.count()
        for m in (Proposal, DevelopmentPlacement, JobOutcome, BuddyPairing, Introduction)
    ]
    assert (
        counts[0] >= 8 and counts[1] >= 5 and counts[2] >= 1 and counts[3] >= 3 and counts[4] >= 3
    )
    statuses = set(DevelopmentPlacement.objects.values_list("status", flat=True))
    assert {"active", "completed"} <= statuses
    assert DevelopmentPlacement.objects.filter(
        status="active", jobseeker__status="in_placement"
    ).exists()
    call_command("seed_demo")
    assert [
        m.objects.count()
        for m in (Proposal, DevelopmentPlacement, JobOutcome, BuddyPairing, Introduction)
    ][1:] == counts[1:]
