import pytest
from playwright.sync_api import expect

from employers.models import ContactMoment
from tests.employers.factories import ContactMomentFactory, EmployerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(client, page, live_server, user):
    """Logs in through the session cookie: the login flow itself has its own browser test."""
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_caseworker_records_a_contact_moment_in_place_on_the_employer_page(
    client, live_server, page, caseworker_heusden, heusden
):
    employer = EmployerFactory(
        trade_name="Bakkerij De Korenschoof",
        municipality=heusden,
        story_what="Ambachtelijke bakkerij met een eigen winkel.",
    )
    ContactMomentFactory(employer=employer, summary="Kennismaking met de eigenaar")
    _log_in(client, page, live_server, caseworker_heusden)

    page.goto(f"{live_server.url}/employers/")
    page.get_by_label("Zoeken").fill("koren")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Bakkerij De Korenschoof").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bakkerij De Korenschoof")
    expect(page.get_by_text("Ambachtelijke bakkerij met een eigen winkel.")).to_be_visible()

    # A marker on the window survives only if the page is not reloaded: the form swaps in place.
    page.evaluate("window.bbMarker = 'still here'")
    timeline = page.locator("#timeline")
    timeline.get_by_label("Soort").select_option(label="Telefoongesprek")
    timeline.get_by_label("Samenvatting").fill("Gebeld: volgende maand twee ontwikkelplekken.")
    timeline.get_by_role("button", name="Vastleggen").click()

    entries = page.get_by_role("list", name="Tijdlijn").get_by_role("listitem")
    expect(entries.first).to_contain_text("Gebeld: volgende maand twee ontwikkelplekken.")
    expect(entries.first).to_contain_text("Telefoongesprek")
    expect(entries).to_have_count(2)
    expect(page.locator("#timeline").get_by_label("Samenvatting")).to_have_value("")
    assert page.evaluate("window.bbMarker") == "still here"
    assert ContactMoment.objects.filter(employer=employer, author=caseworker_heusden).count() == 1
