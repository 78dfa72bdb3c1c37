import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers.models import FollowUp
from baanbrekers.services import skills_from_names
from tests.employers.factories import EmployerContactFactory, EmployerFactory
from tests.jobseekers.factories import JobSeekerFactory
from visits.models import Click, Visit, VisitStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(client, page, live_server, user):
    """Logs in through the session cookie: the login flow itself has its own browser test."""
    page.context.clear_cookies()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_caseworker_plans_signs_up_alderman_reads_briefing_caseworker_reports(
    client, live_server, page, caseworker_heusden, alderman, heusden
):
    employer = EmployerFactory(
        bakery=True,
        trade_name="Bakkerij De Korenschoof",
        municipality=heusden,
        story_passion="Elke nacht vers brood, met liefde voor het ambacht.",
    )
    employer.valued_skills.add(*skills_from_names(["bakken"]))
    EmployerContactFactory(employer=employer, name="Hanneke Meel")
    anna = JobSeekerFactory(joins_visits=True, first_name="Anna", last_name="Jansen")
    anna.skills.add(*skills_from_names(["bakken"]))
    JobSeekerFactory(joins_visits=True, first_name="Bram", last_name="Pietersen")
    day = timezone.localdate() + datetime.timedelta(days=2)

    # The caseworker plans the visit with the alderman.
    _log_in(client, page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/visits/")
    page.get_by_role("link", name="Bezoek plannen").click()
    page.get_by_label("Werkgever").select_option(label="Bakkerij De Korenschoof (Heusden)")
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Begintijd").fill("10:00")
    page.get_by_label("Doel").fill("Kennismaken met de bakkerij")
    page.get_by_label("Plaatsen voor werkzoekenden").fill("2")
    page.get_by_role("checkbox", name=re.compile("Wim")).check()
    page.get_by_role("button", name="Bezoek plannen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bezoek aan Bakkerij De Korenschoof")
    expect(page.get_by_text("Het bezoek is gepland.")).to_be_visible()

    # Two job seekers: one from the list, one from the suggestions (swapped in place by htmx).
    signups = page.locator("#signups")
    expect(signups.get_by_text("Vaardigheden die het bedrijf zoekt: bakken")).to_be_visible()
    # Namesakes are told apart by birth year and postcode area (issue 11).
    signups.get_by_label("Werkzoekende").select_option(label="Bram Pietersen (geb. 1985, pc 5251)")
    signups.get_by_role("button", name="Aanmelden", exact=True).click()
    expect(
        page.locator("#signups").get_by_text("Bram Pietersen (geb. 1985, pc 5251) is aangemeld.")
    ).to_be_visible()
    # The plan's "places taken" follows in place (htmx out of band), without a reload.
    expect(page.locator("#places-taken")).to_have_text("1 van 2 plaatsen bezet")
    page.locator("#signups").get_by_role("button", name="Anna Jansen aanmelden").click()
    signed_up = page.get_by_role("list", name="Aangemeld")
    expect(signed_up.get_by_role("listitem")).to_have_count(2)
    # Full: no sign-up form any more, it says so instead.
    expect(page.locator("#signups").get_by_text("Dit bezoek is vol")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Werkzoekende"))).to_have_count(0)
    expect(page.locator("#places-taken")).to_contain_text("2 van 2 plaatsen bezet")

    # The alderman finds it in his agenda and opens the printable briefing.
    visit = Visit.objects.get()
    _log_in(client, page, live_server, alderman)
    page.goto(f"{live_server.url}/visits/?date={day.isoformat()}")
    page.get_by_role("link", name="Bakkerij De Korenschoof").click()
    page.get_by_role("link", name="Briefing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Briefing: bezoek aan Bakkerij De Korenschoof"
    )
    expect(page.get_by_text("Elke nacht vers brood, met liefde voor het ambacht.")).to_be_visible()
    expect(page.get_by_text("2 werkzoekenden gaan mee")).to_be_visible()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    expect(page.get_by_text("Anna")).to_have_count(0)

    # After the visit, the caseworker writes the report with one click.
    Visit.objects.filter(pk=visit.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    _log_in(client, page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/visits/{visit.pk}/")
    page.get_by_role("link", name="Verslag schrijven").click()
    page.get_by_role("textbox", name=re.compile("^Wat we geleerd hebben")).fill(
        "Ze zoeken mensen die vroeg willen beginnen."
    )
    page.get_by_label(re.compile("Klik: Anna Jansen")).check()
    page.get_by_label("Toelichting bij de klik met Anna Jansen").fill("Proefdag in de bakkerij")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(
        page.get_by_text("Het verslag is opgeslagen en de opvolgacties zijn ingepland.")
    ).to_be_visible()
    expect(page.get_by_text("Anna Jansen: Proefdag in de bakkerij")).to_be_visible()

    visit.refresh_from_db()
    assert visit.status == VisitStatus.HELD
    assert Click.objects.get().jobseeker == anna
    assert set(FollowUp.objects.values_list("kind", flat=True)) == {"visit_thanks", "visit_click"}
