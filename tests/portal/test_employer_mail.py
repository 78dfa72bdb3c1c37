"""Every mail to an employer contact is written for them (issue 12): addressed to them ("u"),
naming the company and their contact person at the werkbedrijf, in HTML and plain text, and
every link in it opens for them — followed here as that contact, logged in, expecting 200."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from baanbrekers.followups import (
    followup_kind,
    followup_rules_apply,
    followup_schedule,
    followups_send_due,
    outbox_deliver,
)
from baanbrekers.models import FollowUp, Role
from placements.followup_rules import (
    KIND_PLACEMENT_END_SOON_SUPERVISOR,
    KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
)
from placements.models import Proposal
from placements.services import add_months
from portal import followup_rules as portal_rules
from portal import services
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory, PlacementFactory
from tests.portal.factories import CompanyClaimFactory
from tests.users import make_user
from tests.visits.factories import VisitFactory
from visits.models import VisitAction, VisitReport, VisitStatus
from visits.services import FOLLOWUP_THANKS

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Intern: eigenaar lijkt weinig geduld te hebben"
LINK = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def owned_company(company_a, caseworker_heusden):
    company_a.relationship_owner = caseworker_heusden
    company_a.save(update_fields=["relationship_owner"])
    return company_a


@pytest.fixture
def eva(owned_company, employer_contact_a):
    """Eva Bakker, company_a's contact with a portal account, at the address mails go to."""
    contact = owned_company.contacts.get(user=employer_contact_a)
    contact.email = employer_contact_a.email
    contact.save(update_fields=["email"])
    return contact


def _deliver_due() -> None:
    followups_send_due(now=timezone.now())
    outbox_deliver(now=timezone.now())


def _check_reader_mail(message, *, to: str, company: str, client, user) -> list[str]:
    """The common shape; returns the links after following each one as ``user``."""
    assert message.to == [to]
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    for body in (message.body, html):
        assert "Geachte" in body
        assert company in body
        assert "Karin" in body  # the contact person at the werkbedrijf (relationship owner)
        assert "Beste collega" not in body
        assert "/admin/" not in body
    links = set(LINK.findall(message.body)) | set(LINK.findall(html))
    assert links, "a mail to an employer links to where they can act"
    client.force_login(user)
    for link in links:
        assert link.startswith(settings.SITE_URL.rstrip("/")), link
        path = urlsplit(link).path
        if path in ("", "/"):
            continue
        response = client.get(path + (f"?{urlsplit(link).query}" if urlsplit(link).query else ""))
        assert response.status_code == 200, (link, response.status_code)
    return sorted(links)


def test_every_followup_kind_to_an_employer_renders_and_its_links_open(
    client, eva, owned_company, employer_contact_a, caseworker_heusden, opening_a
):
    today = timezone.localdate()
    person = JobSeekerFactory(consenting=True, first_name="Sanne", last_name="Visser")
    proposal = Proposal.objects.create(
        jobseeker=person, opening=opening_a, proposed_by=caseworker_heusden
    )
    placement = PlacementFactory(employer=owned_company, supervisor=eva, jobseeker=person)
    job = JobOutcomeFactory(employer=owned_company, jobseeker=person)
    visit = VisitFactory(
        employer=owned_company,
        host=eva,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        status=VisitStatus.HELD,
    )
    VisitReport.objects.create(visit=visit, learnt=INTERNAL_NOTE, written_by=caseworker_heusden)
    VisitAction.objects.create(
        visit=visit,
        what="Proefdag plannen voor twee kandidaten",
        owner=caseworker_heusden,
        due_on=today + datetime.timedelta(days=7),
    )
    names = {"name": "S. Visser", "employer": owned_company.trade_name, "date": "01-12-2026"}
    cases = [
        (FOLLOWUP_THANKS, visit, {"employer": owned_company.trade_name}, INTERNAL_NOTE),
        (KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR, placement, names, ""),
        (KIND_PLACEMENT_END_SOON_SUPERVISOR, placement, names, ""),
        (portal_rules.KIND_PROPOSAL_NEW, proposal, {"employer": "x", "opening": "Inpakker"}, ""),
        (portal_rules.KIND_CONTACT_DETAILS, proposal, {"employer": "x", "opening": "Inpakker"}, ""),
        (portal_rules.KIND_JOB_CHECK, job, {**names, "months": 6}, ""),
    ]
    for kind, subject, params, body in cases:
        followup_schedule(
            kind=kind,
            subject=subject,
            due_on=today,
            params=params,
            body=body,
            assignee=caseworker_heusden,
            recipient_email=eva.email,
            municipality=owned_company.municipality,
        )
    _deliver_due()
    assert len(mail.outbox) == len(cases)
    assert set(FollowUp.objects.values_list("status", flat=True)) == {"sent"}
    followed = {}
    for message, (kind, *_rest) in zip(mail.outbox, cases, strict=True):
        followed[kind] = _check_reader_mail(
            message,
            to=eva.email,
            company=owned_company.trade_name,
            client=client,
            user=employer_contact_a,
        )
        assert INTERNAL_NOTE not in message.body
        assert INTERNAL_NOTE not in message.alternatives[0][0]
        assert "Opvolging" not in message.subject
    thanks = mail.outbox[0]
    assert "Proefdag plannen voor twee kandidaten" in thanks.body
    assert "Geachte Eva Bakker" in thanks.body
    assert any("/portal/visits/" in link for link in followed[FOLLOWUP_THANKS])
    assert any(
        f"/portal/placements/{placement.pk}/" in x
        for x in followed[KIND_PLACEMENT_END_SOON_SUPERVISOR]
    )
    assert any(
        f"/portal/candidates/{proposal.pk}/" in x for x in followed[portal_rules.KIND_PROPOSAL_NEW]
    )
    assert any("/portal/jobs/" in link for link in followed[portal_rules.KIND_JOB_CHECK])


def test_thanks_without_an_address_at_the_company_reminds_the_writer_as_staff_mail(
    owned_company, caseworker_heusden
):
    visit = VisitFactory(
        employer=owned_company, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    followup_schedule(
        kind=FOLLOWUP_THANKS,
        subject=visit,
        due_on=timezone.localdate(),
        params={"employer": owned_company.trade_name},
        assignee=caseworker_heusden,
    )
    _deliver_due()
    (message,) = mail.outbox
    assert message.to == [caseworker_heusden.email]
    assert "Geachte" not in message.body
    assert owned_company.trade_name in message.subject


def test_the_rules_notify_the_portal_contact_of_a_new_proposal_contact_details_and_a_job_check(
    eva, owned_company, employer_contact_a, caseworker_heusden, opening_a
):
    now = timezone.now()
    person = JobSeekerFactory(consenting=True)
    proposal = Proposal.objects.create(
        jobseeker=person,
        opening=opening_a,
        proposed_by=caseworker_heusden,
        introduction_agreed=True,
        introduction_agreed_at=now,
    )
    # Not told: someone who does not consent to sharing a profile.
    Proposal.objects.create(
        jobseeker=JobSeekerFactory(), opening=opening_a, proposed_by=caseworker_heusden
    )
    start = add_months(timezone.localdate(), -6)
    JobOutcomeFactory(employer=owned_company, jobseeker=person, start_date=start)
    followup_rules_apply(now=now)
    rows = FollowUp.objects.filter(kind__startswith="portal.")
    assert {(r.kind, r.recipient_email) for r in rows} == {
        (portal_rules.KIND_PROPOSAL_NEW, employer_contact_a.email),
        (portal_rules.KIND_CONTACT_DETAILS, employer_contact_a.email),
        (portal_rules.KIND_JOB_CHECK, employer_contact_a.email),
    }
    assert rows.get(kind=portal_rules.KIND_PROPOSAL_NEW).subject_id == str(proposal.pk)
    followup_rules_apply(now=now)  # once only
    assert FollowUp.objects.filter(kind__startswith="portal.").count() == 3


def test_the_portal_gives_the_supervisor_kinds_their_employer_mail():
    for key in (KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR, KIND_PLACEMENT_END_SOON_SUPERVISOR):
        assert followup_kind(key).email_template_prefix == "email/employer_followup"
    assert followup_kind(FOLLOWUP_THANKS).email_template_prefix == "portal/email/visit_thanks"


# --- Immediate mail: invitation, claim approved or declined ----------------------------------
def test_invitation_mail_is_for_the_invitee_and_opens_for_them(
    client, owned_company, caseworker_heusden, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            employer=owned_company,
            name="Piet Pakket",
            email="piet@bakkerij.example.org",
            invited_by=caseworker_heusden,
        )
    (message,) = mail.outbox
    assert "Geachte Piet Pakket" in message.body
    piet = make_user("piet@bakkerij.example.org", Role.EMPLOYER_CONTACT)
    links = _check_reader_mail(
        message,
        to="piet@bakkerij.example.org",
        company=owned_company.trade_name,
        client=client,
        user=piet,
    )
    assert any("/portal/invitation/" in link for link in links)


def test_claim_approved_and_declined_mails(
    client, owned_company, caseworker_heusden, django_capture_on_commit_callbacks
):
    anna = make_user(
        "anna@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Anna", last_name="de Wit"
    )
    claim = CompanyClaimFactory(employer=owned_company, user=anna)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, decided_by=caseworker_heusden)
    (approved,) = mail.outbox
    assert "Geachte Anna de Wit" in approved.body
    _check_reader_mail(
        approved, to=anna.email, company=owned_company.trade_name, client=client, user=anna
    )

    mail.outbox.clear()
    bob = make_user("bob@elders.example.org", Role.EMPLOYER_CONTACT)
    claim = CompanyClaimFactory(employer=owned_company, user=bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_decline(
            claim=claim, decided_by=caseworker_heusden, reason="U werkt niet bij dit bedrijf."
        )
    (declined,) = mail.outbox
    assert "U werkt niet bij dit bedrijf." in declined.body
    # A declined request never names the company (it may be one we know).
    assert owned_company.trade_name not in declined.body + declined.subject
    assert claim.kvk_number in declined.subject
    client.force_login(bob)
    for link in set(LINK.findall(declined.body)):
        if urlsplit(link).path not in ("", "/"):
            assert client.get(urlsplit(link).path).status_code == 200
