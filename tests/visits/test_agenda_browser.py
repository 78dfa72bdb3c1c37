"""The agenda of a caseworker in a busy municipality, in Chromium, desktop and phone width: the
filter offers their own municipality and aldermen, a full day of the month shows its first
visits and "+N meer", which opens that day in the week view. Axe-clean."""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers.models import Role
from tests.browser.test_portal import DESKTOP, PHONE, assert_accessible, log_in
from tests.employers.factories import EmployerFactory
from tests.users import make_user
from tests.visits.factories import VisitFactory
from visits.views import MONTH_CELL_VISITS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["wide", "phone"])
def test_caseworker_reads_a_busy_month_and_opens_a_full_day(
    live_server, page, caseworker_heusden, alderman, heusden, waalwijk, viewport
):
    make_user("ada@waalwijk.example.org", Role.ALDERMAN, [waalwijk], first_name="Ada")
    today = timezone.localdate()
    busy = today.replace(day=1) + datetime.timedelta(days=14)
    names = ["Bakkerij De Korenschoof", "Garage Van Aken", "Zorggroep Elde", "Drukkerij Smit"]
    employers = [EmployerFactory(trade_name=name, municipality=heusden) for name in names]
    for i in range(MONTH_CELL_VISITS + 5):
        visit = VisitFactory(
            employer=employers[i % len(employers)],
            starts_at=timezone.make_aware(
                datetime.datetime.combine(busy, datetime.time(8 + i, 30))
            ),
        )
        if i == 0:
            visit.staff.create(user=alderman)
    VisitFactory(
        employer=employers[0],
        starts_at=timezone.make_aware(
            datetime.datetime.combine(busy + datetime.timedelta(days=2), datetime.time(10))
        ),
    )
    page.set_viewport_size(viewport)
    log_in(page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/visits/?view=month&date={busy.isoformat()}")

    # The filter offers Heusden and its alderman, not Waalwijk's.
    municipality = page.get_by_label("Gemeente")
    expect(municipality.locator("option")).to_have_text(["---------", "Heusden"])
    expect(page.get_by_label("Wethouder").locator("option")).to_have_text(["---------", "Wim"])

    more = page.get_by_role("link", name=f"+6 meer op {_dutch_day(busy)}")
    expect(more).to_be_visible()
    expect(page.get_by_text(f"{MONTH_CELL_VISITS + 6} bezoeken in deze periode")).to_be_visible()
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"h5-agenda-month-{viewport['width']}.png"), full_page=True
        )

    more.click()
    day = page.locator(f"#day-{busy.isoformat()}")
    expect(day.locator(".bb-agenda-item")).to_have_count(MONTH_CELL_VISITS + 5)
    expect(page.get_by_role("heading", level=2)).to_contain_text("Week van")
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"h5-agenda-week-{viewport['width']}.png"), full_page=True
        )


def _dutch_day(day: datetime.date) -> str:
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("nl"):
        return date_format(day, "l j F")
