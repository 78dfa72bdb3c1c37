import datetime
import re

import pytest
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
    comparison = page.locator("#comparison-table tbody th")
    expect(comparison).to_have_text(["Heusden", "Regio (alle gemeenten)"])

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
    assert "Waalwijk" not in text
    assert csp_errors == []
