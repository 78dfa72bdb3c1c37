"""How a portal account gets a company: sign-up, invitation, claim by KvK with approval."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
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


@pytest.mark.parametrize(
    ("kvk", "message"),
    [("1234", "8 cijfers"), ("99999999", "kennen nog geen bedrijf")],
)
def test_claim_with_a_bad_or_unknown_kvk_number_shows_a_dutch_error(client, kvk, message):
    newcomer = make_user("nieuw@bedrijf.example.org", Role.EMPLOYER_CONTACT)
    client.force_login(newcomer)
    response = client.post(reverse("portal:claim"), {"kvk_number": kvk})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'value="{kvk}"' in response.content.decode()
    assert not CompanyClaim.objects.exists()


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
