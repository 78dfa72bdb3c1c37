"""Retention and access in the browser (issue 13): a coordinator downloads a person's data from
the file (PDF for an AVG article 15 request); an anonymised file still opens. Both pass axe
(serious/critical) at desktop and phone width. ``BB_SCREENSHOTS=<dir>`` keeps screenshots."""

import pytest
from playwright.sync_api import expect

from jobseekers import services
from tests.browser.test_files import log_in, look
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_downloads_a_persons_data_from_the_file(
    live_server, page, client, coordinator, heusden_person
):
    log_in(page, live_server, client, coordinator)
    page.goto(live_server.url + heusden_person.get_absolute_url())
    look(page, "avg-export-file")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_an_anonymised_file_opens_without_personal_data(
    live_server, page, client, coordinator, heusden
):
    person = JobSeekerFactory(first_name="Xaveria", last_name="Quickenborne", municipality=heusden)
    services.jobseeker_anonymise(jobseeker=person)
    log_in(page, live_server, client, coordinator)
    page.goto(live_server.url + person.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{person.pk}")
    assert "Quickenborne" not in page.content()
    look(page, "anonymised-file")
