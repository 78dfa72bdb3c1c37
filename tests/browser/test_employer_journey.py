"""Issue 12, "Done when": a new entrepreneur finds signup from the login page, registers an
unknown company, a coordinator approves it (both mails checked), the entrepreneur posts an
opening, answers a proposal, sees the contact details after consent, files an evaluation and
downloads the impact statement."""

import datetime
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from employers.models import Employer, Opening
from jobseekers.models import ConsentKind
from placements.models import Evaluation, Proposal, ProposalAnswer
from portal import services
from portal.models import CompanyClaim
from tests.browser.test_portal import PHONE, assert_accessible
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import PlacementFactory
from tests.users import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "noor@despaak.example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def _mail_to(address: str, containing: str):
    found = [m for m in mail.outbox if address in m.to and containing in m.body]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return found[-1]


def _look(page, name: str) -> None:
    """At phone width nothing sticks out sideways; E1_SHOTS=dir keeps screenshots to look at."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if os.environ.get("E1_SHOTS"):
        page.screenshot(path=f"{os.environ['E1_SHOTS']}/{name}-390.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{os.environ['E1_SHOTS']}/{name}-1280.png", full_page=True)
    page.set_viewport_size(size)


def test_a_new_entrepreneur_finds_the_way_in_and_works_with_us(
    live_server, page, coordinator, heusden, caseworker_heusden
):
    base = live_server.url
    axe = Axe()
    # Signup, found from the login page.
    page.goto(f"{base}/accounts/login/")
    assert_accessible(page, axe)
    _look(page, "login")
    page.get_by_role("link", name="Werkgever? Maak een account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maak een account voor werkgevers")
    assert_accessible(page, axe)
    _look(page, "signup")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Wachtwoord (bevestigen)").fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    verify = _mail_to(EMAIL, "confirm-email")
    page.goto(next(link for link in LINK.findall(verify.body) if "confirm-email" in link))
    page.get_by_role("button").filter(has_text=re.compile("Bevestig", re.I)).click()
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    # An unknown company: registered, for the coordinators to approve.
    page.get_by_role("link", name="Meld uw bedrijf aan").click()
    page.get_by_role("button", name="Bedrijf aanmelden").click()  # empty: errors at the fields
    expect(page.get_by_role("alert").first).to_be_visible()
    assert_accessible(page, axe)
    _look(page, "register")
    page.get_by_label("Bedrijfsnaam").fill("Fietsenmaker De Spaak")
    page.get_by_label("KvK-nummer van uw bedrijf").fill("87654321")
    page.get_by_label("Straat en huisnummer").fill("Molenstraat 3")
    page.get_by_label("Postcode").fill("5251 AB")
    page.get_by_label("Uw naam").fill("Noor Jansen")
    page.get_by_role("button", name="Bedrijf aanmelden").click()
    expect(page.get_by_role("status")).to_contain_text("we hebben uw verzoek ontvangen")
    registered = _mail_to(coordinator.email, "Fietsenmaker De Spaak")
    assert "/portal/requests/" in registered.body

    claim = CompanyClaim.objects.get(user__email=EMAIL)
    services.claim_approve(claim=claim, decided_by=coordinator)
    approved = _mail_to(EMAIL, "Fietsenmaker De Spaak")
    assert "Geachte Noor Jansen" in approved.body
    employer = Employer.objects.get(kvk_number="87654321")

    # An opening.
    page.goto(f"{base}/portal/offers/new/")
    page.get_by_label("Titel").fill("Fietsenmaker in opleiding")
    page.get_by_label("Soort").select_option(index=1)
    page.get_by_label("Uren per week").fill("24")
    page.get_by_role("button").filter(
        has_text=re.compile("opslaan|Plaatsen|Aanbieden", re.I)
    ).first.click()
    opening = Opening.objects.get(employer=employer)

    # A proposal: answered; after the introduction, the contact details.
    person = JobSeekerFactory(
        consenting=True, first_name="Sanne", last_name="Visser", email="sanne@example.org"
    )
    proposal = Proposal.objects.create(
        jobseeker=person, opening=opening, proposed_by=caseworker_heusden
    )
    page.goto(f"{base}/portal/candidates/{proposal.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanne V.")
    assert "sanne@example.org" not in page.content()
    page.get_by_label(re.compile("interesse", re.I)).first.check()
    page.get_by_role("button", name="Antwoord versturen").click()
    expect(page.get_by_role("status")).to_contain_text("uw antwoord is naar Baanbrekers gestuurd")
    assert Proposal.objects.get(pk=proposal.pk).answer != ProposalAnswer.PENDING
    Proposal.objects.filter(pk=proposal.pk).update(
        introduction_agreed=True, introduction_agreed_at=timezone.now()
    )
    assert person.consents.filter(kind=ConsentKind.INTRODUCTION).exists()
    page.reload()
    expect(page.get_by_role("link", name="sanne@example.org")).to_be_visible()

    # An evaluation of a placement with them.
    today = timezone.localdate()
    contact = employer.contacts.get(user__email=EMAIL)
    placement = PlacementFactory(
        employer=employer,
        supervisor=contact,
        jobseeker=person,
        start_date=today - datetime.timedelta(days=30),
        planned_end_date=today + datetime.timedelta(days=60),
    )
    page.goto(f"{base}/portal/placements/{placement.pk}/")
    page.get_by_label("Voortgang op de leerdoelen").fill("Komt op tijd, leert snel.")
    page.get_by_role("button").filter(has_text=re.compile("evaluatie", re.I)).first.click()
    expect(page.get_by_role("status")).to_be_visible()
    assert Evaluation.objects.filter(placement=placement).exists()

    # The impact statement.
    page.goto(f"{base}/portal/impact/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("PDF|verklaring", re.I)).first.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
