from django.core.management import call_command
from django.db.models import Count, Q

from baanbrekers.models import Role
from visits.models import Click, Visit, VisitReport, VisitStatus


def test_demo_visits_are_seeded_once_each_with_an_alderman(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    counts = (Visit.objects.count(), VisitReport.objects.count(), Click.objects.count())
    call_command("seed_demo")
    assert (Visit.objects.count(), VisitReport.objects.count(), Click.objects.count()) == counts
    held = Visit.objects.filter(status=VisitStatus.HELD)
    planned = Visit.objects.filter(status=VisitStatus.PLANNED)
    assert held.count() >= 20 and planned.count() >= 5
    assert VisitReport.objects.count() == held.count()
    assert Click.objects.exists()
    without_alderman = Visit.objects.annotate(
        n=Count("staff", filter=Q(staff__user__role=Role.ALDERMAN))
    ).filter(n=0)
    assert not without_alderman.exists()
    over_capacity = [v for v in Visit.objects.annotate(n=Count("signups")) if v.n > v.capacity]
    assert over_capacity == []
