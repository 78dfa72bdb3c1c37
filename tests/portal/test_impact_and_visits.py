"""Impact figures with the PDF statement, and visits to the company with the .ics download."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from placements.models import JobOutcome
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import BuddyPairingFactory, make_placement
from visits.models import Visit, VisitStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits_a(company_a, caseworker_heusden):
    now = timezone.now()
    past = Visit.objects.create(
        employer=company_a,
        starts_at=now - datetime.timedelta(days=30),
        purpose="Kennismaken met de bakkerij",
        status=VisitStatus.HELD,
        planned_by=caseworker_heusden,
    )
    coming = Visit.objects.create(
        employer=company_a,
        starts_at=now + datetime.timedelta(days=7),
        purpose="Rondleiding voor werkzoekenden",
        planned_by=caseworker_heusden,
    )
    return past, coming


def test_impact_counts_and_the_pdf_statement_is_readable(
    client, employer_contact_a, company_a, company_b, opening_a, caseworker_heusden, visits_a
):
    make_placement(user=caseworker_heusden, opening=opening_a, status="active")
    JobOutcome.objects.create(
        jobseeker=JobSeekerFactory(consenting=True),
        employer=company_a,
        contract_type="fixed_term",
        hours_per_week=32,
        start_date=timezone.localdate(),
        route="visit",
    )
    BuddyPairingFactory(buddy_employer=company_a)
    BuddyPairingFactory(buddy_employer=company_b)  # someone else's buddy does not count

    client.force_login(employer_contact_a)
    api = client.get("/api/v1/portal/impact/").json()
    assert api["visits_hosted"] == 1  # the company's own doing, not a count of people
    # People are counted through disclosure control (DESIGN.md section 4): never the exact 1.
    assert api["placements_started"] == "< 5"
    assert api["jobs"] == "< 5"
    assert api["buddies"] == "< 5"
    assert api["placements_completed"] == 0
    page = client.get(reverse("portal:impact"))
    assert page.context["impact"].jobs == "< 5"
    assert "&lt; 5" in page.content.decode()

    response = client.get(reverse("portal:impact_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Bakkerij Van Aken" in text
    assert company_a.kvk_number in text
    assert "Metaal Brouwer" not in text
    assert "< 5" in text
    # The job seekers are counted, never named.
    for person in ("Voornaam", "Achternaam"):
        assert person not in text


def test_impact_counts_of_people_are_rounded_down(client, employer_contact_a, company_a):
    for _ in range(7):
        JobOutcome.objects.create(
            jobseeker=JobSeekerFactory(consenting=True),
            employer=company_a,
            contract_type="fixed_term",
            hours_per_week=32,
            start_date=timezone.localdate(),
            route="direct",
        )
    client.force_login(employer_contact_a)
    assert client.get("/api/v1/portal/impact/").json()["jobs"] == 5  # 7: "5" means 5 to 9
    text = PdfReader(io.BytesIO(client.get(reverse("portal:impact_pdf")).content)).pages[0]
    assert "7" not in text.extract_text().split("Betaalde banen")[1].split("\n")[0]


def test_visits_to_the_company_upcoming_and_past_with_ics(
    client, employer_contact_a, employer_contact_b, company_a, company_b, visits_a
):
    client.force_login(employer_contact_a)
    html = client.get(reverse("portal:visits")).content.decode()
    assert html.index("Rondleiding voor werkzoekenden") < html.index("Kennismaken met de bakkerij")
    response = client.get(reverse("portal:visits_ics"))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in calendar.walk("VEVENT"))
    assert len(summaries) == 2 and all("Bakkerij Van Aken" in s for s in summaries)

    client.force_login(employer_contact_b)
    assert "Rondleiding" not in client.get(reverse("portal:visits")).content.decode()
    assert b"VEVENT" not in client.get(reverse("portal:visits_ics")).content
