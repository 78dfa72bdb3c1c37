"""Issue 11/12 in the browser: the Dutch error pages (site and portal) and, at 390 px, tables that
scroll in their own region with headers and buttons that never break inside a word."""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")
WIDE = {"width": 1280, "height": 900}

# Words split over two lines: a Range per word, more than one line box means it broke inside.
# A hyphen or a slash is a fair place to break, so the parts around it count as words.
BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (const m of node.textContent.matchAll(/[^\\s\\-\\u2010\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

NO_PAGE_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_404_pages_of_site_and_portal(
    live_server, page, caseworker_heusden, employer_contact_a, viewport
):
    page.set_viewport_size(viewport)
    axe = Axe()
    log_in(page, live_server, caseworker_heusden)
    # Coming from the employers list, as a stale link would bring someone.
    page.goto(
        f"{live_server.url}/employers/999999/bestaat-niet/",
        referer=f"{live_server.url}/employers/",
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("navigation", name="Hoofdnavigatie")).to_be_visible()
    assert page.evaluate(NO_PAGE_SCROLL)
    assert_accessible(page, axe)
    _shot(page, f"404-site-{viewport['width']}")
    page.get_by_role("link", name="Terug naar de vorige pagina").click()
    expect(page).to_have_url(f"{live_server.url}/employers/")

    page.context.clear_cookies()
    log_in(page, live_server, employer_contact_a)
    page.goto(f"{live_server.url}/portal/bestaat-niet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("navigation", name="Mijn bedrijf")).to_be_visible()
    assert page.evaluate(NO_PAGE_SCROLL)
    assert_accessible(page, axe)
    _shot(page, f"404-portal-{viewport['width']}")
    page.get_by_role("link", name="Naar het overzicht van mijn bedrijf").click()
    expect(page).to_have_url(f"{live_server.url}/portal/")


def test_job_seeker_list_at_phone_width(live_server, page, caseworker_heusden, heusden):
    for i in range(3):
        JobSeekerFactory(
            first_name=f"Aleksandra{i}", last_name="Wojciechowska-Vermeulen", municipality=heusden
        )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, caseworker_heusden)
    page.goto(f"{live_server.url}/jobseekers/")
    region = page.get_by_role("region", name="Werkzoekenden in je gemeenten")
    expect(region).to_be_visible()
    assert page.evaluate(NO_PAGE_SCROLL), "the page itself must not scroll sideways"
    assert page.evaluate(BROKEN_WORDS, "th, td, button, .utrecht-button") == []
    wrap = page.evaluate(
        "() => getComputedStyle(document.querySelector('#jobseekers-caption ~ tbody td a')"
        " || document.querySelector('tbody td')).overflowWrap"
    )
    assert wrap == "normal", wrap
    region.focus()  # the region is reachable with the keyboard, so it can be scrolled
    assert_accessible(page, Axe())
    _shot(page, "jobseekers-list-390")


def test_dashboard_comparison_at_phone_width(
    live_server, page, alderman, heusden, waalwijk, loon_op_zand
):
    from stats import services
    from stats.synthetic import generate

    generate(
        municipalities=[heusden, waalwijk, loon_op_zand],
        start=datetime.date(2025, 6, 1),
        days=200,
        jobseekers_per_municipality=12,
    )
    services.figures_rebuild()
    page.set_viewport_size(PHONE)
    log_in(page, live_server, alderman)
    page.goto(f"{live_server.url}/dashboard/")
    table = page.locator("#comparison-table")
    expect(table).to_be_visible()
    assert page.evaluate(NO_PAGE_SCROLL)
    assert page.evaluate(BROKEN_WORDS, "th, button, .utrecht-button") == []
    assert_accessible(page, Axe())
    _shot(page, "dashboard-390")
