from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employers.models import ContactMoment, Employer, EmployerContact, Opening, OpeningKind, Sector


def test_seed_demo_adds_employers_once_with_stories_openings_and_the_demo_contact(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    counts = [
        m.objects.count() for m in (Employer, EmployerContact, ContactMoment, Opening, Sector)
    ]
    with CaptureQueriesContext(connection) as ctx:
        call_command("seed_demo")
    assert [
        m.objects.count() for m in (Employer, EmployerContact, ContactMoment, Opening, Sector)
    ] == counts
    assert 55 <= counts[0] <= 65
    assert len(ctx.captured_queries) < 400

    by_municipality = set(Employer.objects.values_list("municipality__cbs_code", flat=True))
    assert by_municipality == {"GM0797", "GM0809", "GM0867"}
    assert not Employer.objects.filter(story_what="").exists()
    assert set(Opening.objects.values_list("kind", flat=True)) == set(OpeningKind.values)
    assert Opening.objects.filter(competences__isnull=False).exists()
    assert Sector.objects.filter(code__in=list("ABCDEFGHIJKLMNOPQRSTU")).count() == 21
    eva = EmployerContact.objects.get(user__email="employer@example.org")
    assert eva.employer.municipality.cbs_code == "GM0797"
