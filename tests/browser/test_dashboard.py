import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect
from pypdf import PdfReader

from stats import services
from stats.synthetic import generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alderman_opens_the_dashboard_and_downloads_the_report(
    live_server, page, client, alderman, heusden, waalwijk, tmp_path
):
    generate(
        municipalities=[heusden, waalwijk],
        start=datetime.date(2025, 1, 1),
        days=600,
        jobseekers_per_municipality=30,
    )
    services.figures_rebuild()
    client.force_login(alderman)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    csp_errors = []
    page.on(
        "console",
        lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Dashboard"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers: Regio (alle gemeenten)")
    page.get_by_label("Vanaf", exact=True).fill("2025-01")
    page.get_by_label("Gemeente of regio", exact=True).select_option(label="Heusden")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers: Heusden")
    expect(page.get_by_role("img", name=re.compile("Van bezoek naar betaald werk"))).to_be_visible()
    # Their municipality (marked) beside the others of the region and the region.
    comparison = page.locator("#comparison-table thead th[data-area]")
    expect(comparison).to_have_text(
        [re.compile(r"Heusden\s+\(eigen gemeente\)"), "Waalwijk", "Regio (alle gemeenten)"]
    )

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Rapportage downloaden (PDF)").click()
    download = download_info.value
    assert re.fullmatch(
        r"baanbrekers-cijfers-heusden-2025-01-\d{4}-\d{2}\.pdf", download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = "".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Baanbrekers: cijfers voor Heusden" in text
    assert csp_errors == []


WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("width", [390, 1280])
def test_dashboard_fits_a_phone_and_a_desktop(
    live_server, page, client, alderman, heusden, waalwijk, width
):
    """No horizontal page scroll (wide tables and the month chart scroll inside their own
    labelled, focusable region) and no serious or critical axe findings, charts with tables."""
    generate(
        municipalities=[heusden, waalwijk],
        start=datetime.date(2025, 1, 1),
        days=600,
        jobseekers_per_municipality=30,
    )
    services.figures_rebuild()
    client.force_login(alderman)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/dashboard/?start=2025-01&area=GM0797")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers: Heusden")
    page.get_by_text("Toon de maanden als tabel").click()
    for _ in range(2):  # with the month table closed and open
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= page.evaluate("window.innerWidth"), width_used
        results = Axe().run(page, options=WCAG_AA)
        bad = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, bad
        page.get_by_text("Toon de maanden als tabel").click()
    # Each chart has its table; the comparison has a name and can be scrolled by keyboard.
    region = page.get_by_role("region", name=re.compile("Gemeenten en de regio"))
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.get_by_role("table")).to_be_visible()
    expect(page.get_by_role("table", name="Van bezoek naar betaald werk")).to_be_visible()
    expect(page.get_by_role("table", name="Banen per route")).to_be_visible()
    expect(page.get_by_role("table", name="De maanden als tabel")).to_be_attached()
    # Words wrap whole: no header of the comparison is taller than a few lines.
    heights = page.locator("#comparison-table thead th").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert max(heights) < 120, heights
