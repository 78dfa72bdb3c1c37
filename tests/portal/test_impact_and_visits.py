"""Impact figures with the PDF statement, and visits to the company with the .ics download."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from baanbrekers import pdf as pdf_engine
from employers.models import Referral
from placements.models import JobOutcome
from tests.employers.factories import ContactMomentFactory, ReferralFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.pdfua import assert_tagged_pdf, pdf_dump
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
    pdf_dump(response.content, "impact-statement.pdf")
    # Tagged and accessible (PDF/UA): structure tree, language, title, table headers whole.
    text = assert_tagged_pdf(
        response.content, title="Impactverklaring Bakkerij Van Aken", header_words=["Wat", "Aantal"]
    )
    assert text == reader.pages[0].extract_text()
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


def _job(employer, start_date):
    return JobOutcome.objects.create(
        jobseeker=JobSeekerFactory(consenting=True),
        employer=employer,
        contract_type="fixed_term",
        hours_per_week=32,
        start_date=start_date,
        route="direct",
    )


def test_the_statement_covers_the_period_from_the_first_activity(
    client, employer_contact_a, company_a
):
    """The company was entered today, but the werkbedrijf has known it for longer: the period
    starts at the first activity (here a phone call), not at the record's creation."""
    today = timezone.localdate()
    first_call = timezone.make_aware(datetime.datetime(today.year - 1, 3, 4, 10, 0))
    ContactMomentFactory(employer=company_a, happened_at=first_call)
    for _ in range(5):
        _job(company_a, datetime.date(today.year - 1, 9, 1))
    client.force_login(employer_contact_a)

    page = client.get(reverse("portal:impact"))
    impact = page.context["impact"]
    assert (impact.since, impact.until) == (first_call.date(), today)
    assert impact.jobs == 5
    assert f"4 maart {today.year - 1} tot en met" in page.text
    text = PdfReader(io.BytesIO(client.get(reverse("portal:impact_pdf")).content)).pages[0]
    assert f"4 maart {today.year - 1} tot en met" in text.extract_text()

    # Anything earlier moves the start: a visit the year before.
    Visit.objects.create(
        employer=company_a,
        starts_at=timezone.make_aware(datetime.datetime(today.year - 2, 11, 20, 14, 0)),
        purpose="Rondleiding",
        status=VisitStatus.HELD,
    )
    assert client.get(reverse("portal:impact")).context["impact"].since == datetime.date(
        today.year - 2, 11, 20
    )


def test_a_chosen_year_counts_that_year_only(client, employer_contact_a, company_a):
    today = timezone.localdate()
    last_year = today.year - 1
    for _ in range(5):
        _job(company_a, datetime.date(last_year, 6, 1))
    _job(company_a, today)
    client.force_login(employer_contact_a)

    page = client.get(reverse("portal:impact"))
    years = [value for value, _label in page.context["period_form"].fields["year"].choices]
    assert years == ["", str(today.year), str(last_year)]  # from the first activity on
    assert page.context["impact"].jobs == 5  # 6 in all, rounded down

    chosen = client.get(reverse("portal:impact"), {"year": last_year})
    impact = chosen.context["impact"]
    assert (impact.since, impact.until) == (
        datetime.date(last_year, 1, 1),
        datetime.date(last_year, 12, 31),
    )
    assert impact.jobs == 5
    assert f"?year={last_year}" in chosen.text  # the PDF link keeps the year
    this_year = client.get(reverse("portal:impact"), {"year": today.year}).context["impact"]
    assert this_year.jobs == "< 5" and this_year.until == today
    text = (
        PdfReader(io.BytesIO(client.get(reverse("portal:impact_pdf"), {"year": last_year}).content))
        .pages[0]
        .extract_text()
    )
    assert f"1 januari {last_year} tot en met 31 december {last_year}" in text
    api = client.get("/api/v1/portal/impact/", {"year": last_year}).json()
    assert api["year"] == last_year and api["jobs"] == 5

    # A year before the first activity: a Dutch message next to the selector, all figures shown.
    wrong = client.get(reverse("portal:impact"), {"year": last_year - 5})
    assert wrong.status_code == 400
    assert "Selecteer een geldige keuze" in wrong.text
    assert wrong.context["impact"].year is None
    assert client.get("/api/v1/portal/impact/", {"year": "x"}).status_code == 400


def test_a_tip_naming_the_own_kvk_is_refused_and_not_counted(client, employer_contact_a, company_a):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:referral"),
        {
            "company_name": "Nog een bakkerij",
            "need": "Zoekt een verkoper.",
            "kvk_number": company_a.kvk_number,
            "postcode": "",
            "contact_name": "",
            "contact_email": "",
            "contact_phone": "",
        },
    )
    assert response.status_code == 400
    assert "Dit is het KvK-nummer van Bakkerij Van Aken zelf" in response.text
    assert 'value="Nog een bakkerij"' in response.text  # nothing typed is lost
    assert not Referral.objects.exists()

    # Tips recorded before the rule: the own one is not counted, a real one is.
    ReferralFactory(referring_employer=company_a, kvk_number=company_a.kvk_number)
    ReferralFactory(referring_employer=company_a)
    assert client.get("/api/v1/portal/impact/").json()["tips"] == 1


def test_without_the_pdf_engine_the_download_says_so_in_dutch(
    client, employer_contact_a, company_a, monkeypatch
):
    """`make run` needs only Python and make: without Pango the platform works, the download
    explains itself (no 500) and the start-up check names the packages to install."""
    monkeypatch.setattr(pdf_engine, "pdf_engine_problem", lambda: "cannot load library 'pango'")
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:impact")).status_code == 200
    response = client.get(reverse("portal:impact_pdf"))
    assert response.status_code == 503
    assert "De pdf kan nu niet worden gemaakt" in response.text
    assert "Bakkerij Van Aken" in response.text  # the portal's own frame
    [warning] = pdf_engine.pdf_engine_check()
    assert warning.id == "baanbrekers.W010" and "libpango-1.0-0" in warning.hint
