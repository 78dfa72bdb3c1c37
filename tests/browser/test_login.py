import re

import pytest
from playwright.sync_api import expect

from tests.users import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_logs_in_with_totp_and_sees_the_dutch_home_page(
    live_server, page, caseworker_heusden
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(caseworker_heusden.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("Code|Authenticatorcode", re.I)).fill(totp_code())
    page.get_by_role("button", name=re.compile("Aanmelden|Inloggen", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karin")
    expect(page.get_by_role("navigation", name="Hoofdnavigatie")).to_be_visible()
    expect(page.get_by_role("heading", name="Opvolgacties")).to_be_visible()


def test_employer_contact_logs_in_without_totp_and_lands_in_the_portal(
    live_server, page, employer_contact_a
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill(employer_contact_a.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("werkgeversportaal")
