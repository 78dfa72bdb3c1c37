"""An employer corrects an offer (an error next to the field, nothing lost), closes it and opens
it again, at desktop and phone width, without serious axe findings."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from employers.models import Opening, OpeningStatus
from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.employers.factories import EmployerContactFactory, EmployerFactory, OpeningFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("BB_SCREENSHOTS")  # a folder: keep screenshots for a person to look at


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE])
def test_employer_corrects_closes_and_reopens_an_offer(
    live_server, page, employer_contact_a, heusden, viewport
):
    company = EmployerFactory(trade_name="Bakkerij Van Aken", municipality=heusden)
    EmployerContactFactory(employer=company, user=employer_contact_a, name="Eva Bakker")
    opening = OpeningFactory(employer=company, title="Inpakker broodafdeling", hours_per_week=24)
    page.set_viewport_size(viewport)
    log_in(page, live_server, employer_contact_a)
    axe = Axe()
    width = viewport["width"]

    page.goto(f"{live_server.url}/portal/offers/")
    page.get_by_role("link", name=re.compile(r"^Wijzigen\W+Inpakker")).click()
    page.get_by_label("Uren per week").fill("200")
    page.get_by_label("Competenties die u zoekt").fill("Nauwkeurig, vroeg op")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.locator("#id_hours_per_week_error")).to_contain_text("1 tot en met 60 uur")
    expect(page.get_by_label("Competenties die u zoekt")).to_have_value("Nauwkeurig, vroeg op")
    assert_accessible(page, axe)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/offer-error-{width}.png", full_page=True)
    page.get_by_label("Uren per week").fill("32")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_text("Uw aanbod is gewijzigd.")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"^Sluiten\W+Inpakker")).click()
    expect(page.get_by_role("button", name=re.compile(r"^Weer openen\W+Inpakker"))).to_be_visible()
    assert_accessible(page, axe)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/offers-closed-{width}.png", full_page=True)
    page.get_by_role("button", name=re.compile(r"^Weer openen\W+Inpakker")).click()
    expect(page.get_by_role("button", name=re.compile(r"^Sluiten\W+Inpakker"))).to_be_visible()
    opening = Opening.objects.get(pk=opening.pk)
    assert opening.status == OpeningStatus.OPEN and opening.hours_per_week == 32
    assert opening.competence_suggestions == ["Nauwkeurig", "vroeg op"]
