"""A caseworker makes, copies and revokes an API token in the browser (issue 13), at desktop
and phone width; the page passes axe-core (WCAG 2.1 AA)."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from baanbrekers.api.models import ApiToken
from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.users import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["wide", "phone"])
def test_a_caseworker_makes_and_revokes_a_token_after_confirming_with_two_factor(
    live_server, page, caseworker_heusden, viewport
):
    page.set_viewport_size(viewport)
    log_in(page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="API-tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API-tokens")
    axe = Axe()
    assert_accessible(page, axe)
    _shot(page, f"tokens-confirm-{viewport['width']}")

    page.get_by_role("link", name="Bevestigen met tweestapsverificatie").click()
    page.get_by_label(re.compile("Code|Authenticatorcode", re.I)).fill(totp_code())
    page.get_by_role("button", name=re.compile("Bevestigen|Confirm", re.I)).click()
    expect(page).to_have_url(re.compile(r"/profile/api-tokens/$"))

    page.get_by_label("Naam").fill("Export naar Excel")
    page.get_by_role("button", name="Token maken").click()
    secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
    assert secret.startswith("bb_")
    expect(page.get_by_text("alleen deze ene keer")).to_be_visible()
    assert_accessible(page, axe)
    _shot(page, f"tokens-made-{viewport['width']}")

    page.get_by_role("button", name="“Export naar Excel” intrekken").click()
    expect(page.get_by_text("Het token is ingetrokken")).to_be_visible()
    assert not ApiToken.objects.exists()
