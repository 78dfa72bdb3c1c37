"""An employer answers a proposal on a phone, and the portal pages pass axe-core (WCAG 2.1 AA)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from placements.models import Proposal, ProposalAnswer
from tests.employers.factories import EmployerContactFactory, EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page, axe: Axe):
    results = axe.run(page, options=WCAG_AA)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{page.url}\n" + "\n".join(bad)


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_employer_answers_a_proposal_on_a_phone(
    live_server, page, employer_contact_a, heusden, caseworker_heusden
):
    company = EmployerFactory(trade_name="Bakkerij Van Aken", municipality=heusden)
    EmployerContactFactory(employer=company, user=employer_contact_a, name="Eva Bakker")
    opening = OpeningFactory(employer=company, kind="vacancy", title="Inpakker broodafdeling")
    proposal = Proposal.objects.create(
        jobseeker=JobSeekerFactory(sensitive=True),
        opening=opening,
        proposed_by=caseworker_heusden,
        motivation="Werkt nauwkeurig.",
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, employer_contact_a)
    axe = Axe()

    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bakkerij Van Aken")
    assert_accessible(page, axe)
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name=re.compile("kandidaten wachten")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kandidaten voor u")
    assert_accessible(page, axe)
    page.get_by_role("link", name="Fatima Z.").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fatima Z.")
    assert "Zwanenburg" not in page.content()
    assert_accessible(page, axe)

    # "Not now" without a reason: the error appears next to the field, nothing is saved.
    page.get_by_label("Nu niet").check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("alert").filter(has_text="Geef een reden")).to_be_visible()
    expect(page.get_by_label("Nu niet")).to_be_checked()
    assert_accessible(page, axe)
    assert Proposal.objects.get(pk=proposal.pk).answer == ProposalAnswer.PENDING

    page.get_by_label("Reden").fill("We nemen pas na de zomer weer mensen aan.")
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("status")).to_contain_text("uw antwoord is naar Baanbrekers gestuurd")
    proposal.refresh_from_db()
    assert proposal.answer == ProposalAnswer.NOT_NOW
    assert proposal.answer_reason == "We nemen pas na de zomer weer mensen aan."

    # Every portal page passes the same check, on a phone and on a desktop.
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        for path in (
            "/portal/",
            "/portal/company/",
            "/portal/offers/",
            "/portal/offers/new/",
            "/portal/candidates/",
            "/portal/placements/",
            "/portal/jobs/",
            "/portal/visits/",
            "/portal/impact/",
            "/portal/tip/",
            "/portal/this-page-does-not-exist/",
        ):
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_accessible(page, axe)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], (path, viewport)
