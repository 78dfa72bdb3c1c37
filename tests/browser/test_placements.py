"""From a match list to a proposal, to an active placement, to a paid job: the caseworker's
main journey through the pipeline, in a real browser."""

import datetime
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from employers.models import EmployerContact
from jobseekers.models import JobSeekerStatus
from placements.models import DevelopmentPlacement, JobOutcome
from tests.employers.factories import EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, client, live_server, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_from_match_list_to_paid_job(live_server, page, client, coordinator, heusden, waalwijk):
    from baanbrekers.vocabulary import vocabulary_load

    # A browser test runs on a flushed database: load the base vocabulary that matching uses.
    vocabulary_load()
    employer = EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        postcode="5141 GD",
        municipality=waalwijk,
        story_what="Wij repareren machines.",
    )
    EmployerContact.objects.create(employer=employer, name="Joop van Dongen")
    opening = OpeningFactory(
        employer=employer, placement=True, title="Ontwikkelplek werkplaats", competences=["lassen"]
    )
    person = JobSeekerFactory(
        consenting=True,
        first_name="Ahmed",
        last_name="Bakkal",
        municipality=heusden,
        postcode="5251 AB",
        max_travel_km=25,
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )
    login(page, client, live_server, coordinator)

    page.goto(f"{live_server.url}/placements/openings/{opening.pk}/matches/")
    row = page.get_by_role("row", name=re.compile("Ahmed Bakkal"))
    expect(row).to_contain_text("sleutelen aan brommers (hobby) → techniek")
    row.get_by_role("button", name=re.compile("Voordragen")).click()
    row.get_by_role("link", name="Voorgesteld").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Ahmed Bakkal voor Ontwikkelplek werkplaats"
    )
    page.get_by_label("Geïnteresseerd").check()
    page.get_by_role("button", name="Antwoord vastleggen").click()
    expect(page.get_by_text("Het antwoord is vastgelegd.")).to_be_visible()
    page.get_by_role("link", name="Ontwikkelplek regelen").click()

    page.get_by_label("Begeleider in het bedrijf").select_option(
        label="Joop van Dongen (Metaalwerkplaats Van Dongen)"
    )
    page.get_by_label(re.compile(r"^Start")).fill(datetime.date.today().isoformat())
    page.get_by_label("Leerdoelen").fill("Lassen leren en op tijd beginnen")
    page.get_by_label("Verzekering geregeld").check()
    page.get_by_role("button", name="Ontwikkelplek voorstellen").click()

    status = page.get_by_test_id("placement-status")
    expect(status).to_have_text("Voorgesteld")
    page.get_by_label("Hoe verdringing is uitgesloten").fill("Extra plek naast de vaste ploeg")
    page.get_by_role("button", name="Controle op verdringing vastleggen").click()
    page.get_by_role("button", name="Ontwikkelplek afspreken").click()
    expect(status).to_have_text("Afgesproken")
    page.get_by_role("button", name="Ontwikkelplek starten").click()
    expect(status).to_have_text("Lopend")

    page.get_by_role("link", name="Betaald werk vastleggen").click()
    page.get_by_label("Contract").select_option(label="Tijdelijk contract")
    page.get_by_label(re.compile(r"^Start")).fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Betaald werk vastleggen").click()

    expect(status).to_have_text("Afgerond")
    expect(page.get_by_text("Betaald werk bij deze werkgever")).to_be_visible()
    placement = DevelopmentPlacement.objects.get(jobseeker=person)
    assert placement.outcome == "paid_job_here"
    assert JobOutcome.objects.get(jobseeker=person).route == "placement"
    person.refresh_from_db()
    assert person.status == JobSeekerStatus.WORKING
