"""A way in for every employer (issue 12): signup found from the login and home pages, says
who it is for, keeps where the person came from through email verification; an unknown
company is registered as a prospect for the coordinators to approve — answered like a claim,
so registering never tells which KvK numbers are known."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from baanbrekers.adapters import _next_key
from baanbrekers.models import Role, User
from employers.models import Employer, EmployerContact, EmployerStatus
from portal import services
from portal.models import ClaimStatus, CompanyClaim
from tests.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP_TEXT = "Werkgever? Maak een account"


@pytest.mark.parametrize("url_name", ["account_login", "home"])
def test_login_and_home_lead_an_employer_to_signup(client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    assert SIGNUP_TEXT in page
    assert f'href="{reverse("account_signup")}' in page


def test_signup_page_says_it_is_for_employers_and_not_for_staff(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert "Dit account is voor werkgevers" in page
    assert "een coördinator maakt uw account" in page


def _verify_link(address: str) -> str:
    message = next(m for m in mail.outbox if address in m.to and "confirm-email" in m.body)
    return re.search(r"https?://[^/\s]+(/\S*confirm-email/\S+)", message.body).group(1)


def test_an_invitee_who_signs_up_and_verifies_continues_to_the_invitation(
    client, company_a, caseworker_heusden, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _, token = services.invitation_create(
            employer=company_a,
            name="Piet",
            email="piet@bakkerij.example.org",
            invited_by=caseworker_heusden,
        )
    invitation_url = reverse("portal:invitation", kwargs={"token": token})
    signup = client.post(
        reverse("account_signup"),
        {
            "email": "piet@bakkerij.example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": invitation_url,
        },
    )
    assert signup.status_code == 302
    # The verification mail is opened later, in another browser.
    other = client.__class__()
    confirm = other.post(_verify_link("piet@bakkerij.example.org"))
    assert confirm.status_code == 302
    assert EmailAddress.objects.get(email="piet@bakkerij.example.org").verified
    login_url = confirm.url
    assert login_url.startswith(reverse("account_login"))
    assert "next=" in login_url  # the login page goes on to the invitation
    login = other.post(login_url, {"login": "piet@bakkerij.example.org", "password": PASSWORD})
    assert login.url == invitation_url
    # Even without the ``next`` on the login form, the first login goes to the invitation.
    third = client.__class__()
    user = User.objects.get(email="piet@bakkerij.example.org")
    cache.set(_next_key(user.pk), invitation_url)
    login = third.post(
        reverse("account_login"), {"login": "piet@bakkerij.example.org", "password": PASSWORD}
    )
    assert login.url == invitation_url
    assert other.post(invitation_url).status_code == 302
    assert EmployerContact.objects.filter(
        employer=company_a, user__email="piet@bakkerij.example.org"
    ).exists()


def test_a_signup_next_elsewhere_is_ignored(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "x@bedrijf.example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example.com/",
        },
    )
    confirm = client.__class__().post(_verify_link("x@bedrijf.example.org"))
    assert "evil" not in confirm.url


REGISTRATION = {
    "trade_name": "Fietsenmaker De Spaak",
    "kvk_number": "87654321",
    "street_address": "Molenstraat 3",
    "postcode": "5251ab",
    "city": "Vlijmen",
    "contact_name": "Noor Jansen",
    "job_title": "Eigenaar",
    "phone": "0416 123456",
}


def test_an_unknown_company_is_registered_as_a_prospect_and_the_coordinators_are_told(
    client, coordinator, caseworker_heusden, django_capture_on_commit_callbacks
):
    noor = make_user("noor@spaak.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(noor)
    assert (
        client.get(reverse("portal:home"))
        .content.decode()
        .count(reverse("portal:register_company"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:register_company"), REGISTRATION)
    assert response.status_code == 302
    employer = Employer.objects.get(kvk_number="87654321")
    assert employer.status == EmployerStatus.PROSPECT
    assert employer.postcode == "5251 AB"
    assert employer.municipality.name == "Heusden"
    claim = CompanyClaim.objects.get(user=noor)
    assert claim.employer == employer and claim.status == ClaimStatus.PENDING
    # Nothing of the company yet.
    assert not EmployerContact.objects.filter(user=noor).exists()
    (told,) = mail.outbox
    assert told.to == [coordinator.email]  # the coordinator of Heusden; not the caseworker
    assert "Fietsenmaker De Spaak" in told.subject
    assert reverse("portal:staff_requests") in told.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, decided_by=coordinator)
    contact = EmployerContact.objects.get(user=noor)
    assert contact.employer == employer and contact.name == "Noor Jansen"
    assert contact.role == "Eigenaar"
    (approved,) = mail.outbox
    assert approved.to == [noor.email]
    assert "Geachte Noor Jansen" in approved.body


def test_registering_a_known_company_answers_the_same_and_creates_nothing(
    client, company_a, coordinator, django_capture_on_commit_callbacks
):
    noor = make_user("noor@spaak.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(noor)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            reverse("portal:register_company"),
            {**REGISTRATION, "kvk_number": company_a.kvk_number},
            follow=True,
        )
    assert Employer.objects.count() == 1
    claim = CompanyClaim.objects.get(user=noor)
    assert claim.employer == company_a and claim.status == ClaimStatus.PENDING
    assert mail.outbox == []  # no mail naming the known company to anyone
    other = make_user("other@spaak.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(other)
    unknown = client.post(reverse("portal:register_company"), REGISTRATION, follow=True)
    message = "Dank u, we hebben uw verzoek ontvangen"
    assert message in known.content.decode() and message in unknown.content.decode()


def test_a_claim_for_an_unknown_kvk_is_completed_by_registering(client, coordinator):
    noor = make_user("noor@spaak.example.org", Role.EMPLOYER_CONTACT)
    services.claim_create(user=noor, kvk_number="87654321")
    services.company_register(user=noor, **REGISTRATION)
    claim = CompanyClaim.objects.get(user=noor)
    assert claim.employer.kvk_number == "87654321"


def test_registration_errors_are_next_to_the_fields_and_keep_the_input(client):
    client.force_login(make_user("noor@spaak.example.org", Role.EMPLOYER_CONTACT))
    response = client.post(
        reverse("portal:register_company"),
        {**REGISTRATION, "postcode": "1012 AB", "kvk_number": "123"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "precies 8 cijfers" in page
    assert "niet in een van onze gemeenten" in page
    assert 'value="Fietsenmaker De Spaak"' in page
    assert not Employer.objects.exists()
