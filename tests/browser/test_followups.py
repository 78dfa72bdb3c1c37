"""A coordinator works through the to-do list in the browser (issue 11): rows name and link the
person and company, overdue is said in words, filters work without JavaScript, the ticked rows
go to a colleague; at desktop and phone width, in Dutch, axe-clean (WCAG 2.1 AA)."""

import datetime
import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers.followups import followup_schedule
from baanbrekers.models import FollowUp
from jobseekers.followup_rules import KIND_CONSENT_EXPIRING, consent_reminder_params
from placements.followup_rules import job_retention_kind
from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory
from tests.users import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["wide", "phone"])
def test_a_coordinator_filters_and_reassigns_followups(
    live_server, page, coordinator, caseworker_heusden, heusden, bakery_heusden, viewport
):
    today = timezone.localdate()
    colleague = make_user(
        "nina@heusden.example.org", "caseworker", [heusden], first_name="Nina", last_name="Smit"
    )
    person = JobSeekerFactory(
        first_name="Ricardo", last_name="van Dongen", municipality=heusden, caseworker=coordinator
    )
    consent = ConsentFactory(jobseeker=person)
    followup_schedule(
        kind=KIND_CONSENT_EXPIRING,
        subject=consent,
        due_on=today - datetime.timedelta(days=4),
        params=consent_reminder_params(consent),
        assignee=coordinator,
    )
    job = JobOutcomeFactory(jobseeker=person, employer=bakery_heusden)
    followup_schedule(
        kind=job_retention_kind(6),
        subject=job,
        due_on=today,
        params={
            "name": person.initials_name,
            "employer": str(bakery_heusden),
            "months": 6,
            "date": job.start_date.strftime("%d-%m-%Y"),
        },
        assignee=coordinator,
    )
    page.set_viewport_size(viewport)
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/followups/?show=all")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opvolgacties")
    expect(page.get_by_text("4 dagen te laat")).to_be_visible()
    expect(page.get_by_role("link", name="Ricardo van Dongen").first).to_be_visible()
    expect(page.get_by_role("link", name=bakery_heusden.trade_name)).to_be_visible()
    assert_accessible(page, Axe())
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"followups-{viewport['width']}.png"), full_page=True
        )

    page.get_by_label("Alleen te laat").check()
    page.get_by_role("button", name="Tonen").click()
    expect(page.locator(".bb-todo__item")).to_have_count(1)

    page.locator(".bb-todo__select input").first.check()
    page.get_by_label("Nieuwe eigenaar").select_option(label="Nina Smit")
    page.get_by_role("button", name="Overdragen").click()
    expect(page.get_by_text("1 opvolgactie staat nu op naam van Nina Smit.")).to_be_visible()
    assert FollowUp.objects.get(kind=KIND_CONSENT_EXPIRING).assignee == colleague
