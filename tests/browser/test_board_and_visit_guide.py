"""Issue 11 in a real browser, at desktop and phone width: a card moves on the pipeline board with
the keyboard alone (htmx swaps the board; focus lands on the moved card), and a visit's page
guides (places left or "full", the confirmation before cancelling). Every page passes axe-core
(no serious or critical finding). SCREENSHOT_DIR=... keeps screenshots of each step.
Issue 14: a move that needs input brings its form into the card on demand (focus on its field)."""

import datetime
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import PlacementStatus
from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.employers.factories import EmployerFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import make_placement
from tests.visits.factories import VisitFactory
from visits import services as visit_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")
VIEWPORTS = [{"width": 1280, "height": 900}, PHONE]


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["wide", "phone"])
def test_a_card_moves_on_the_board_with_the_keyboard(
    live_server, page, caseworker_heusden, coordinator, heusden, viewport
):
    def person(first, last):
        return JobSeekerFactory(
            municipality=heusden, consenting=True, first_name=first, last_name=last
        )

    make_placement(user=coordinator, jobseeker=person("Sanne", "de Wit"))
    agreed = make_placement(user=coordinator, jobseeker=person("Ahmed", "Bakker"), status="agreed")
    active = make_placement(
        user=coordinator, jobseeker=person("Lotte", "Verhoeven"), status="active"
    )

    page.set_viewport_size(viewport)
    log_in(page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/placements/")
    axe = Axe()
    assert_accessible(page, axe)
    _shot(page, f"board-{viewport['width']}")

    start = page.locator("#pl-col-agreed").get_by_role(
        "button", name=re.compile(r"^Start\W+Ahmed Bakker$")
    )
    start.focus()
    page.keyboard.press("Enter")
    card = page.locator("#pl-col-active").locator(f"#placement-{agreed.pk}")
    expect(card).to_be_visible()
    expect(page.locator("#pl-col-agreed").locator(f"#placement-{agreed.pk}")).to_have_count(0)
    expect(card).to_be_focused()
    expect(page.get_by_role("status")).to_contain_text("De ontwikkelplek is gestart.")
    agreed.refresh_from_db()
    assert agreed.status == PlacementStatus.ACTIVE
    assert_accessible(page, axe)
    _shot(page, f"board-moved-{viewport['width']}")

    # A move with input: the link brings its form into the card, focus on the first field.
    card = page.locator("#pl-col-active").locator(f"#placement-{active.pk}")
    complete = re.compile(r"^Afronden\W+Lotte Verhoeven$")
    card.get_by_role("link", name=complete).focus()
    page.keyboard.press("Enter")
    outcome = card.get_by_label("Uitkomst")
    expect(outcome).to_be_focused()
    assert_accessible(page, axe)
    _shot(page, f"board-form-{viewport['width']}")
    outcome.select_option("training")
    card.get_by_role("button", name=complete).click()
    finished = page.locator("#pl-col-finished").locator(f"#placement-{active.pk}")
    expect(finished).to_be_focused()
    expect(page.get_by_role("status")).to_contain_text("De ontwikkelplek is afgerond.")
    active.refresh_from_db()
    assert active.status == PlacementStatus.COMPLETED


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["wide", "phone"])
def test_a_visit_page_says_how_many_places_are_left_or_that_it_is_full(
    live_server, page, caseworker_heusden, heusden, viewport
):
    employer = EmployerFactory(
        bakery=True, trade_name="Bakkerij De Korenschoof", municipality=heusden
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    open_visit = VisitFactory(employer=employer, starts_at=starts, capacity=3)
    full_visit = VisitFactory(employer=employer, starts_at=starts, capacity=1)
    anna = JobSeekerFactory(
        joins_visits=True, municipality=heusden, first_name="Anna", last_name="Jansen"
    )
    JobSeekerFactory(
        joins_visits=True,
        municipality=heusden,
        first_name="Anna",
        last_name="Jansen",
        birth_date=datetime.date(1999, 2, 3),
        postcode="5253 CD",
    )
    for visit in (open_visit, full_visit):
        visit_services.visit_jobseeker_sign_up(
            visit=visit, jobseeker=anna, signed_up_by=caseworker_heusden
        )

    page.set_viewport_size(viewport)
    log_in(page, live_server, caseworker_heusden)
    axe = Axe()

    page.goto(f"{live_server.url}/visits/{open_visit.pk}/")
    expect(page.locator("#places-taken")).to_have_text("1 van 3 plaatsen bezet")
    expect(page.get_by_text("nog 2 plaatsen vrij")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Werkzoekende"))).to_be_visible()
    assert_accessible(page, axe)
    _shot(page, f"visit-open-{viewport['width']}")

    page.goto(f"{live_server.url}/visits/{full_visit.pk}/")
    expect(page.locator("#signups").get_by_text("Dit bezoek is vol")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile("^Werkzoekende"))).to_have_count(0)
    assert_accessible(page, axe)
    _shot(page, f"visit-full-{viewport['width']}")

    # Cancelling: a confirmation page, the box to tick, then the visit is cancelled.
    page.get_by_role("link", name="Bezoek annuleren").click()
    page.get_by_role("button", name="Bezoek annuleren").click()
    expect(page.get_by_text("Vink aan om te bevestigen.")).to_be_visible()
    assert_accessible(page, axe)
    _shot(page, f"visit-cancel-confirm-{viewport['width']}")
    page.get_by_label("Ja, annuleer dit bezoek").check()
    page.get_by_role("button", name="Bezoek annuleren").click()
    expect(page.get_by_text("Het bezoek is geannuleerd.")).to_be_visible()
