import pytest
from django.conf import settings
from playwright.sync_api import expect

from baanbrekers.models import AuditEvent
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, client, user):
    """Reuse a server-side session instead of the login form (tests/browser/test_login.py covers
    that): the browser gets the session cookie of ``client.force_login``."""
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


def test_caseworker_finds_a_job_seeker_by_skill_and_opens_the_file(
    live_server, page, client, caseworker_heusden, heusden
):
    JobSeekerFactory(
        first_name="Ricardo",
        last_name="van Dongen",
        municipality=heusden,
        bsn="111222333",
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )
    JobSeekerFactory(
        first_name="Anouk", last_name="Bakker", municipality=heusden, skills=["lassen"]
    )
    log_in(page, live_server, client, caseworker_heusden)

    page.goto(f"{live_server.url}/jobseekers/")
    page.get_by_label("Vaardigheid of interesse").fill("Koken")
    page.get_by_role("button", name="Zoeken").click()
    result = page.get_by_role("link", name="van Dongen, Ricardo")
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name="Bakker, Anouk")).to_have_count(0)

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricardo van Dongen")
    expect(page.get_by_text("*****2333")).to_be_visible()
    assert "111222333" not in page.content()
    expect(page.get_by_text("sleutelen aan brommers")).to_be_visible()

    page.get_by_role("button", name="Toon BSN").click()
    expect(page.get_by_text("111222333")).to_be_visible()
    assert AuditEvent.objects.filter(action="reveal", actor=caseworker_heusden).count() == 1


def test_a_bsn_typed_in_the_free_text_search_is_posted_not_put_in_the_address(
    live_server, page, client, caseworker_heusden, heusden
):
    person = JobSeekerFactory(
        first_name="Ricardo", last_name="van Dongen", municipality=heusden, bsn="111222333"
    )
    log_in(page, live_server, client, caseworker_heusden)
    addresses = []
    page.on("request", lambda request: addresses.append(request.url))
    page.goto(f"{live_server.url}/jobseekers/")
    page.get_by_label("Zoeken", exact=True).fill("111 222 333")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricardo van Dongen")
    assert page.url.endswith(f"/jobseekers/{person.pk}/")
    assert not [url for url in addresses if "111" in url]
