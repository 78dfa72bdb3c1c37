"""The person-centred file and the employer's file in the browser: the caseworker proposes a
person by hand from their file and finds the proposal back on the timeline; both files pass axe
(serious/critical) at desktop and phone width. ``BB_SCREENSHOTS=<dir>`` keeps screenshots."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import ConsentFactory
from tests.placements.factories import make_file_records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def log_in(page, live_server, client, user):
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def assert_accessible(page):
    results = Axe().run(page, options=WCAG_AA)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}\n" + "\n".join(bad)


def look(page, name):
    """Both widths pass axe; with BB_SCREENSHOTS set, a full-page screenshot of each."""
    folder = os.environ.get("BB_SCREENSHOTS")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        if folder:
            page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)


def test_the_caseworker_proposes_from_the_file_and_sees_it_on_the_timeline(
    live_server, page, client, caseworker_heusden, heusden_person, bakery_heusden
):
    for kind in ("share_profile", "introduction", "join_visits"):
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    make_file_records(user=caseworker_heusden, jobseeker=heusden_person, employer=bakery_heusden)
    OpeningFactory(employer=bakery_heusden, title="Broodbakker")
    log_in(page, live_server, client, caseworker_heusden)

    page.goto(f"{live_server.url}/jobseekers/{heusden_person.pk}/")
    timeline = page.get_by_test_id("file-timeline")
    expect(timeline.get_by_role("link", name="Klik met")).to_be_visible()
    expect(timeline.get_by_text("Maatje: Henk de Ondernemer")).to_be_visible()
    look(page, "jobseeker-file")

    page.get_by_role("link", name="Voordragen voor een aanbod").click()
    page.get_by_label("Aanbod").select_option(
        label="Broodbakker bij Bakkerij De Korenschoof (vacature)"
    )
    page.get_by_label("Waarom deze persoon").fill("Bakt thuis elke zaterdag")
    page.get_by_role("button", name="Voordragen").click()
    expect(page.get_by_text("is voorgedragen")).to_be_visible()

    page.goto(f"{live_server.url}/jobseekers/{heusden_person.pk}/")
    expect(timeline.get_by_role("link", name="Voorgedragen voor Broodbakker")).to_be_visible()

    page.goto(f"{live_server.url}/employers/{bakery_heusden.pk}/")
    expect(page.get_by_test_id("file-timeline").get_by_text("Broodbakker: Ricardo")).to_be_visible()
    look(page, "employer-file")
