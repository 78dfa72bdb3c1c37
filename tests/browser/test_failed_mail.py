"""The coordinator's "Failed to send" tab in a real browser, in Dutch, at desktop and phone width:
a follow-up nobody could be mailed and one whose delivery is uncertain, each with its reason and
its buttons; marking the uncertain one delivered takes it off the tab. No serious or critical
axe finding. SCREENSHOT_DIR=... keeps screenshots."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from baanbrekers.models import FollowUp, FollowUpStatus, SendFailure
from tests.browser.test_portal import PHONE, assert_accessible, log_in
from tests.followups.helpers import schedule_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["wide", "phone"])
def test_a_coordinator_resolves_mail_that_failed_or_may_not_have_arrived(
    live_server, page, coordinator, caseworker_heusden, heusden, viewport
):
    today = timezone.localdate()
    orphan = schedule_text(
        kind="test.mail", subject=heusden, due_on=today, text="Bel Bakkerij De Korenschoof"
    )
    FollowUp.objects.filter(pk=orphan.pk).update(
        assignee=None,
        status=FollowUpStatus.FAILED,
        failure=SendFailure.NO_RECIPIENT,
        last_error="no recipient: neither an address nor an assignee",
    )
    doubt = schedule_text(
        kind="test.mail",
        subject=caseworker_heusden,
        due_on=today,
        text="Evalueer de ontwikkelplek van Anna",
        assignee=caseworker_heusden,
    )
    FollowUp.objects.filter(pk=doubt.pk).update(
        status=FollowUpStatus.UNCERTAIN, failure=SendFailure.UNCERTAIN
    )

    page.set_viewport_size(viewport)
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/followups/?show=failed")
    axe = Axe()
    failed = page.locator(f"#followup-{orphan.pk}")
    uncertain = page.locator(f"#followup-{doubt.pk}")
    expect(failed).to_contain_text("Geen ontvanger: geen e-mailadres en geen eigenaar")
    expect(failed.get_by_role("button", name="Opnieuw versturen")).to_be_visible()
    expect(failed.get_by_role("button", name="Markeren als afgeleverd")).to_have_count(0)
    expect(uncertain).to_contain_text("Aflevering onzeker")
    expect(uncertain.get_by_role("button", name="Markeren als afgeleverd")).to_be_visible()
    assert_accessible(page, axe)
    if SHOTS:
        page.screenshot(
            path=os.path.join(SHOTS, f"failed-tab-{viewport['width']}.png"), full_page=True
        )

    uncertain.get_by_role("button", name="Markeren als afgeleverd").click()
    expect(page.get_by_text("Gemarkeerd als afgeleverd")).to_be_visible()
    expect(page.locator(f"#followup-{doubt.pk}")).to_have_count(0)
    doubt.refresh_from_db()
    assert doubt.status == FollowUpStatus.SENT
    assert_accessible(page, axe)
