from django.core.management import call_command
from django.utils import timezone

from stats.models import DailyFigures

from .expected import expected_figures


def test_demo_data_are_rolled_up_for_the_dashboards(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    assert DailyFigures.objects.exists()
    stored = {(r.municipality_id, r.day) for r in DailyFigures.objects.all()}
    assert stored == set(expected_figures(timezone.localdate()))
