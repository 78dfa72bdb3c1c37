"""How a portal account gets a company: sign-up, invitation, claim by KvK with approval."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import Role, User
from employers.models import ContactMoment, EmployerContact
from portal import services
from portal.models import ClaimStatus, CompanyClaim, Invitation
from tests.employers.factories import EmployerFactory
from tests.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_self_signup_makes_an_employer_contact_who_must_verify_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nieuw@bedrijf.example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@bedrijf.example.org")
    assert user.role == Role.EMPLOYER_CONTACT
    assert not user.is_staff and not user.is_superuser
    assert not EmailAddress.objects.get(user=user).verified
    assert any("nieuw@bedrijf.example.org" in m.to for m in mail.outbox)


def test_a_new_account_sees_no_company_until_linked(client, company_a):
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(newcomer)
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert company_a.trade_name not in home.content.decode()
    assert client.get(reverse("portal:candidates")).url == reverse("portal:home")
    assert client.get(reverse("portal:impact_pdf")).status_code == 302


@pytest.fixture
def invitation(company_a, caseworker_heusden, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            employer=company_a,
            name="Piet Pakket",
            email="piet@bakkerij.example.org",
            invited_by=caseworker_heusden,
        )
    invitation.token = token
    return invitation


def test_caseworker_invites_and_the_invitee_accepts(client, invitation, company_a):
    assert len(mail.outbox) == 1
    url = reverse("portal:invitation", kwargs={"token": invitation.token})
    assert url in mail.outbox[0].body
    # Only a hash of the token is stored.
    assert invitation.token not in Invitation.objects.values_list("token_hash", flat=True)

    piet = make_user("piet@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Piet")
    client.force_login(piet)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert EmployerContact.objects.filter(employer=company_a, user=piet).exists()
    assert company_a.trade_name in client.get(reverse("portal:home")).content.decode()
    # The caseworker sees it in the employer's timeline.
    assert ContactMoment.objects.filter(employer=company_a, author=piet).exists()
    # Used once only.
    assert client.post(url).status_code == 400


def test_anonymous_visitor_of_an_invitation_is_asked_to_sign_up_or_log_in(client, invitation):
    response = client.get(reverse("portal:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 200
    assert reverse("account_signup") in response.content.decode()


def test_an_invitation_links_only_the_invited_email_address(client, invitation, company_a):
    other = make_user("meelezer@elders.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(other)
    response = client.post(reverse("portal:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 400
    assert "ander e-mailadres" in response.content.decode()
    assert not EmployerContact.objects.filter(user=other).exists()
    Invitation.objects.get(pk=invitation.pk, accepted_at__isnull=True)  # still usable by Piet


def test_a_wrong_token_is_a_404(client, employer_contact_a, invitation):
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:invitation", kwargs={"token": "guess"})).status_code == 404


def test_an_expired_invitation_links_nobody(client, invitation, company_a):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    piet = make_user("piet@bakkerij.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(piet)
    response = client.post(reverse("portal:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 400
    assert not EmployerContact.objects.filter(user=piet).exists()


def test_staff_cannot_accept_an_invitation(client, invitation, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.post(reverse("portal:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 400
    assert not EmployerContact.objects.filter(user=caseworker_heusden).exists()


def test_caseworker_invites_only_for_employers_of_their_region(
    client, caseworker_heusden, company_a, company_b
):
    client.force_login(caseworker_heusden)
    url = reverse("portal:staff_invite", kwargs={"employer_pk": company_b.pk})
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("portal:staff_invite", kwargs={"employer_pk": company_a.pk}),
        {"name": "Piet", "email": "not-an-email"},
    )
    assert response.status_code == 400
    assert "e-mailadres" in response.content.decode() or "email" in response.content.decode()
    assert not Invitation.objects.exists()


# --- Claims -------------------------------------------------------------------------------
def test_claim_waits_for_approval_before_anything_is_shown(
    client, caseworker_heusden, caseworker_waalwijk, company_a, proposal_a
):
    newcomer = make_user("nieuw@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Nina")
    client.force_login(newcomer)
    response = client.post(
        reverse("portal:claim"), {"kvk_number": company_a.kvk_number, "job_title": "HR"}
    )
    assert response.status_code == 302
    claim = CompanyClaim.objects.get(user=newcomer)
    assert claim.status == ClaimStatus.PENDING
    home = client.get(reverse("portal:home")).content.decode()
    assert company_a.trade_name not in home
    assert client.get(reverse("portal:candidate", args=[proposal_a.pk])).status_code == 302
    assert client.get("/api/v1/portal/proposals/").status_code == 404

    # A caseworker of another municipality neither sees nor decides it.
    client.force_login(caseworker_waalwijk)
    assert company_a.trade_name not in client.get(reverse("portal:staff_requests")).content.decode()
    decide = reverse("portal:staff_claim_decide", args=[claim.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404

    # The employer's own caseworker approves.
    client.force_login(caseworker_heusden)
    assert company_a.trade_name in client.get(reverse("portal:staff_requests")).content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    contact = EmployerContact.objects.get(user=newcomer)
    assert contact.employer == company_a and contact.role == "HR"

    client.force_login(newcomer)
    assert company_a.trade_name in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:candidate", args=[proposal_a.pk])).status_code == 200


def test_declining_needs_a_reason_and_links_nobody(client, caseworker_heusden, company_a):
    newcomer = make_user("nieuw@bakkerij.example.org", Role.EMPLOYER_CONTACT)
    claim = services.claim_create(user=newcomer, kvk_number=company_a.kvk_number)
    client.force_login(caseworker_heusden)
    decide = reverse("portal:staff_claim_decide", args=[claim.pk])
    client.post(decide, {"decision": "decline", "reason": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    client.post(decide, {"decision": "decline", "reason": "Werkt hier niet volgens de eigenaar."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECLINED
    assert not EmployerContact.objects.filter(user=newcomer).exists()
    client.force_login(newcomer)
    assert "Werkt hier niet" in client.get(reverse("portal:home")).content.decode()


def test_claim_with_a_malformed_kvk_number_shows_a_dutch_error(client):
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(newcomer)
    response = client.post(reverse("portal:claim"), {"kvk_number": "1234"})
    assert response.status_code == 400
    assert "8 cijfers" in response.content.decode()
    assert 'value="1234"' in response.content.decode()
    assert not CompanyClaim.objects.exists()


def _claim_answer(client, kvk: str) -> tuple[int, str, str]:
    """Status, redirect target and the page the user then reads, without the KvK number itself
    (which is echoed back in the user's own list of requests)."""
    response = client.post(reverse("portal:claim"), {"kvk_number": kvk, "job_title": "HR"})
    page = client.get(reverse("portal:home")).content.decode().replace(kvk, "KVK")
    page = re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1", page)
    return response.status_code, response.get("Location", ""), page


def test_a_claim_answers_the_same_for_a_known_and_an_unknown_kvk_number(client, company_a):
    """Issue 13: a known KvK number redirected, an unknown one answered "We kennen nog geen
    bedrijf…", so the form told anyone which companies we know. Now both get the same neutral
    answer, and both leave a request for the back office."""
    known = make_user("een@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    unknown = make_user("twee@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(known)
    known_answer = _claim_answer(client, company_a.kvk_number)
    client.force_login(unknown)
    unknown_answer = _claim_answer(client, "99999999")

    assert known_answer[:2] == unknown_answer[:2] == (302, reverse("portal:home"))
    assert "we hebben uw verzoek ontvangen" in known_answer[2].lower()
    assert known_answer[2].replace("een@", "X@") == unknown_answer[2].replace("twee@", "X@")
    assert company_a.trade_name not in known_answer[2]
    assert "kennen nog geen" not in unknown_answer[2]

    assert CompanyClaim.objects.get(user=known).employer == company_a
    request = CompanyClaim.objects.get(user=unknown)
    assert (request.employer, request.kvk_number, request.status) == (
        None,
        "99999999",
        ClaimStatus.PENDING,
    )


def test_a_request_for_an_unknown_company_waits_for_a_coordinator(
    client, coordinator, caseworker_heusden, heusden
):
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    claim = services.claim_create(user=newcomer, kvk_number="99999999")
    # Caseworkers cannot tell whose region it is; the coordinators register the company.
    client.force_login(caseworker_heusden)
    assert "99999999" not in client.get(reverse("portal:staff_requests")).content.decode()
    client.force_login(coordinator)
    requests = client.get(reverse("portal:staff_requests")).content.decode()
    assert "99999999" in requests
    decide = reverse("portal:staff_claim_decide", args=[claim.pk])
    # Not registered yet: approving says what to do first and links nobody.
    response = client.post(decide, {"decision": "approve"}, follow=True)
    assert "registreer" in response.content.decode().lower()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    # Once the company is registered, the same request is approved and linked.
    company = EmployerFactory(kvk_number="99999999", municipality=heusden)
    client.post(decide, {"decision": "approve"})
    claim.refresh_from_db()
    assert (claim.status, claim.employer) == (ClaimStatus.APPROVED, company)
    assert EmployerContact.objects.filter(user=newcomer, employer=company).exists()


def test_asking_twice_for_an_unknown_company_is_refused_as_for_a_known_one():
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    services.claim_create(user=newcomer, kvk_number="99999999")
    with pytest.raises(ValidationError, match="al gevraagd"):
        services.claim_create(user=newcomer, kvk_number="99999999")


def test_asking_twice_for_the_same_company_is_refused(company_a):
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    services.claim_create(user=newcomer, kvk_number=company_a.kvk_number)
    with pytest.raises(Exception, match="awaits approval|wacht op goedkeuring"):
        services.claim_create(user=newcomer, kvk_number=company_a.kvk_number)


# --- Several companies --------------------------------------------------------------------
def test_one_person_switches_between_their_companies_only(
    client, employer_contact_a, company_a, company_b, heusden
):
    second = EmployerFactory(trade_name="Banketbakkerij Noord", municipality=heusden)
    EmployerContact.objects.create(employer=second, user=employer_contact_a, name="Eva")
    client.force_login(employer_contact_a)
    assert "Bakkerij Van Aken" in client.get(reverse("portal:company")).content.decode()
    client.post(reverse("portal:switch"), {"employer": second.pk})
    assert "Banketbakkerij Noord" in client.get(reverse("portal:company")).content.decode()
    # Someone else's company cannot be chosen, also not by forging the session.
    assert client.post(reverse("portal:switch"), {"employer": company_b.pk}).status_code == 404
    session = client.session
    session["portal_employer_id"] = company_b.pk
    session.save()
    page = client.get(reverse("portal:company")).content.decode()
    assert "Metaal Brouwer" not in page


@pytest.mark.parametrize(
    ("target", "secure", "expected"),
    [
        ("/portal/offers/", False, "/portal/offers/"),
        ("https://evil.example.org/portal/", True, "/portal/"),
        ("//evil.example.org/portal/", False, "/portal/"),
        # From an https page, not down to plain http, even on this host.
        ("http://testserver/portal/offers/", True, "/portal/"),
    ],
)
def test_switching_company_returns_only_to_a_safe_page_of_this_site(
    client, employer_contact_a, company_a, target, secure, expected
):
    client.force_login(employer_contact_a)
    response = client.post(
        reverse("portal:switch"), {"employer": company_a.pk, "next": target}, secure=secure
    )
    assert response.status_code == 302
    assert response["Location"] == expected


def test_removing_the_link_takes_effect_at_once(client, employer_contact_a, company_a):
    client.force_login(employer_contact_a)
    assert client.get(reverse("portal:company")).status_code == 200
    EmployerContact.objects.filter(user=employer_contact_a).update(user=None)
    assert client.get(reverse("portal:company")).status_code == 302


# --- Rate limits (issue 13): claims and invitation acceptance, per account and per address ----


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_claims_are_limited_per_account_with_a_dutch_answer_that_keeps_the_input(client, settings):
    _rates(settings, claim_user="2/hour", claim_address="100/hour")
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(newcomer)
    for kvk in ("11111111", "22222222"):
        assert client.post(reverse("portal:claim"), {"kvk_number": kvk}).status_code == 302
    refused = client.post(reverse("portal:claim"), {"kvk_number": "33333333", "job_title": "HR"})
    assert refused.status_code == 429  # before: unlimited
    html = refused.content.decode()
    assert "Te veel pogingen" in html
    assert 'value="33333333"' in html and 'value="HR"' in html
    assert int(refused["Retry-After"]) > 0
    assert CompanyClaim.objects.count() == 2


def test_claims_are_limited_per_address_across_accounts(client, settings):
    _rates(settings, claim_user="100/hour", claim_address="2/hour")
    for n, kvk in enumerate(("11111111", "22222222", "33333333")):
        client.force_login(make_user(f"n{n}@bedrijf.example.org", Role.EMPLOYER_CONTACT))
        response = client.post(reverse("portal:claim"), {"kvk_number": kvk})
    assert response.status_code == 429
    # Another address is not held up.
    assert (
        client.post(reverse("portal:claim"), {"kvk_number": "44444444"}, REMOTE_ADDR="10.0.0.9")
    ).status_code == 302


def test_invitation_acceptance_is_limited_per_account_and_per_address(client, invitation, settings):
    _rates(settings, invitation_user="2/hour", invitation_address="3/hour")
    url = reverse("portal:invitation", kwargs={"token": invitation.token})
    other = make_user("meelezer@elders.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(other)
    assert [client.post(url).status_code for _ in range(3)] == [400, 400, 429]
    # The address has one attempt left: Piet's own acceptance goes through...
    piet = make_user("piet@bakkerij.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(piet)
    assert client.post(url).status_code == 302
    # ...and then the address is held up for everyone, with the Dutch answer.
    refused = client.post(url)
    assert refused.status_code == 429
    assert "Te veel pogingen" in refused.content.decode()
    # Looking at an invitation is not limited.
    assert client.get(url).status_code == 200
