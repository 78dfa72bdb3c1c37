"""A coordinator of a national instance picks a colleague by typing (baanbrekers.widgets
StaffPicker): the box suggests the people the server finds, the chosen one filters the
follow-up list and is still named after the reload; a name that fits two people says so in
Dutch with both offered. Desktop and phone width, axe-clean."""

import datetime
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers import widgets
from baanbrekers.models import FollowUp, Role
from tests.browser.test_portal import DESKTOP, PHONE, assert_accessible, log_in
from tests.employers.factories import EmployerFactory
from tests.followups.helpers import schedule_text
from tests.users import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")
PETRA = "Petra de Vries (petra@waalwijk.example.org)"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["wide", "phone"])
def test_a_coordinator_picks_a_colleague_by_typing(
    live_server, page, coordinator, heusden, waalwijk, monkeypatch, viewport
):
    monkeypatch.setattr(widgets, "STAFF_SELECT_MAX", 2)  # as with the country's 2,000
    petra = make_user(
        "petra@waalwijk.example.org", Role.CASEWORKER, [waalwijk], first_name="Petra",
        last_name="de Vries",
    )  # fmt: skip
    for email in ("jan.jansen@heusden.example.org", "j.jansen@waalwijk.example.org"):
        jan = make_user(email, Role.CASEWORKER, [heusden], first_name="Jan", last_name="Jansen")
    today = timezone.localdate()
    schedule_text(kind="test.rule", subject=heusden, due_on=today, text="Bel Petra", assignee=petra)
    jans_row = schedule_text(
        kind="test.rule",
        subject=heusden,
        due_on=today - datetime.timedelta(days=1),
        text="Bel Jan",
        assignee=jan,
    )
    page.set_viewport_size(viewport)
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/followups/?show=all")
    expect(page.locator(".bb-todo__item")).to_have_count(2)

    box = page.get_by_role("combobox", name="Eigenaar", exact=True)
    box.press_sequentially("de vr", delay=40)
    # The server's suggestions arrive in the box's list.
    suggestions = page.locator("#id_owner_options option")
    expect(suggestions).to_have_count(1)
    expect(suggestions.first).to_have_attribute("value", PETRA)
    box.fill(PETRA)  # what choosing the suggestion does
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator(".bb-todo__item")).to_have_count(1)
    expect(page.get_by_text("Bel Petra", exact=True)).to_be_visible()
    # The address holds Petra's id, not her name and e-mail address.
    assert re.search(rf"/followups/\?(.*&)?owner={petra.pk}(&|$)", page.url), page.url
    assert "petra" not in page.url
    # After the reload the box names the chosen person.
    expect(page.get_by_role("combobox", name="Eigenaar", exact=True)).to_have_value(PETRA)
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"h3-followups-owner-{viewport['width']}.png"), full_page=True
        )

    # Two Jan Jansens: the name alone asks which one, both offered with their address.
    box = page.get_by_role("combobox", name="Eigenaar", exact=True)
    box.fill("Jan Jansen")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_text("Meerdere collega's passen bij ‘Jan Jansen’")).to_be_visible()
    expect(page.get_by_role("combobox", name="Eigenaar", exact=True)).to_have_value("Jan Jansen")
    expect(page.locator("#id_owner_options option")).to_have_count(2)
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"h3-followups-owner-error-{viewport['width']}.png"),
            full_page=True,
        )

    # Reassigning: the same box, typed.
    page.goto(f"{live_server.url}/followups/?show=all")
    page.locator(f"#select-{jans_row.pk}").check()
    assignee = page.get_by_role("combobox", name="Nieuwe eigenaar")
    assignee.press_sequentially("petra", delay=40)
    expect(page.locator("#id_assignee_options option")).to_have_count(1)
    page.get_by_role("button", name="Overdragen").click()
    expect(page.get_by_text("1 opvolgactie staat nu op naam van Petra de Vries.")).to_be_visible()
    assert FollowUp.objects.get(pk=jans_row.pk).assignee == petra


def test_the_employer_list_owner_box_suggests_and_filters(
    live_server, page, coordinator, heusden, waalwijk, monkeypatch
):
    monkeypatch.setattr(widgets, "STAFF_SELECT_MAX", 2)
    petra = make_user(
        "petra@waalwijk.example.org", Role.CASEWORKER, [waalwijk], first_name="Petra",
        last_name="de Vries",
    )  # fmt: skip
    make_user("jan@heusden.example.org", Role.CASEWORKER, [heusden], first_name="Jan")
    EmployerFactory(trade_name="Bakkerij Van Gils", municipality=waalwijk, relationship_owner=petra)
    EmployerFactory(trade_name="Garage Jansen", municipality=heusden, relationship_owner=None)
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/employers/")
    box = page.get_by_role("combobox", name="Relatiebeheerder")
    box.press_sequentially("petra", delay=40)
    expect(page.locator("#id_owner_options option")).to_have_count(1)
    assert page.url == f"{live_server.url}/employers/"  # the suggestions are not a page
    box.fill(PETRA)
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("link", name="Garage Jansen")).to_have_count(0)
    expect(page.get_by_role("link", name="Bakkerij Van Gils")).to_be_visible()
    # htmx followed the redirect and pushed the address with the id.
    expect(page).to_have_url(re.compile(rf"/employers/\?(.*&)?owner={petra.pk}(&|$)"))
    assert "petra" not in page.url
    page.reload()
    expect(page.get_by_role("combobox", name="Relatiebeheerder")).to_have_value(PETRA)
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "h3-employers-owner-1280.png"), full_page=True)
