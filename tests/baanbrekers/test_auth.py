import time

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from baanbrekers.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from tests.users import PASSWORD, ROLE_FIXTURES, totp_code

HOME_HEADINGS = {
    "caseworker": "Follow-ups due",
    "coordinator": "Manage users, teams and municipalities",
    "alderman": "Your coming visits",
    "employer_contact": "/portal/",
}


def login(client, user, *, code=None):
    """Logs in through allauth's forms, with the TOTP step where the user has one."""
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=False
    )
    if response.status_code == 302 and response["Location"] == reverse("mfa_authenticate"):
        response = client.post(reverse("mfa_authenticate"), {"code": code or totp_code()})
    return response


@pytest.mark.parametrize("who", ROLE_FIXTURES)
def test_each_role_logs_in_and_sees_its_own_home_page(client, who, request):
    user = request.getfixturevalue(who)
    response = login(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert page.status_code == 200
    assert HOME_HEADINGS[user.role] in page.content.decode() + page.request["PATH_INFO"]


def test_home_page_is_dutch_by_default(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    page = client.get("/")
    html = page.content.decode()
    assert '<html lang="nl"' in html
    assert "Opvolgacties die openstaan" in html or "Opvolgacties" in html


def test_staff_with_totp_must_give_a_code_to_log_in(client, caseworker_heusden):
    response = client.post(
        reverse("account_login"), {"login": caseworker_heusden.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with an error
    assert not client.get("/").context["user"].is_authenticated


def test_wrong_password_is_refused_with_a_message(client, caseworker_heusden):
    response = client.post(
        reverse("account_login"), {"login": caseworker_heusden.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_login_attempts_are_rate_limited(client, caseworker_heusden):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": caseworker_heusden.email, "password": "x"})
    response = client.post(
        reverse("account_login"), {"login": caseworker_heusden.email, "password": PASSWORD}
    )
    # Once the limit of failed attempts is reached even the right password is refused, with a message.
    assert response.status_code == 200
    assert "Te veel inlogpogingen" in str(response.context["form"].errors)
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.parametrize("who", ["caseworker_heusden", "coordinator", "alderman"])
def test_staff_without_totp_are_sent_to_set_it_up(client, who, request, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    user = request.getfixturevalue(who)
    Authenticator.objects.filter(user=user).delete()
    login(client, user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    # The set-up flow itself stays reachable (allauth asks for the password once more first).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    reauth = client.post(setup.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert reauth.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert "data:image/svg+xml" in reauth.content.decode()  # the QR code to scan


def test_employer_contacts_are_not_forced_to_use_totp(client, employer_contact_a, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(employer_contact_a)
    assert client.get("/", follow=True).status_code == 200


def test_mfa_requirement_can_be_switched_off(client, caseworker_heusden, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    Authenticator.objects.filter(user=caseworker_heusden).delete()
    client.force_login(caseworker_heusden)
    assert client.get("/").status_code == 200


def _age_session(client, *, started_ago=0, seen_ago=0):
    session = client.session
    now = time.time()
    session[SESSION_STARTED_KEY] = now - started_ago
    session[SESSION_SEEN_KEY] = now - seen_ago
    session.save()


def test_staff_session_ends_after_30_idle_minutes(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    client.get("/")
    _age_session(client, started_ago=31 * 60, seen_ago=31 * 60)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not client.get("/").context["user"].is_authenticated


def test_staff_session_survives_29_idle_minutes(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    client.get("/")
    _age_session(client, started_ago=29 * 60, seen_ago=29 * 60)
    assert client.get("/").status_code == 200


def test_employer_session_is_not_ended_by_idleness_but_by_12_hours(client, employer_contact_a):
    client.force_login(employer_contact_a)
    client.get("/")
    _age_session(client, started_ago=2 * 3600, seen_ago=2 * 3600)
    assert client.get("/portal/").status_code == 200
    _age_session(client, started_ago=12 * 3600 + 60, seen_ago=60)
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_htmx_request_after_timeout_redirects_the_whole_page(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    client.get("/")
    _age_session(client, started_ago=3600, seen_ago=3600)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("account_login")


def test_users_can_see_and_end_their_sessions(client, caseworker_heusden):
    login(client, caseworker_heusden)
    response = client.get(reverse("usersessions_list"))
    assert response.status_code == 200


def test_self_signup_can_be_closed(client, db, settings):
    settings.ACCOUNT_ALLOW_SIGNUPS = False
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    from baanbrekers.models import User

    assert not User.objects.filter(email="new@example.org").exists()
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["caseworker_heusden", "alderman", "employer_contact_a"])
def test_only_coordinators_reach_the_admin(client, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert client.get("/admin/baanbrekers/user/", follow=True).status_code == 403


def test_coordinator_manages_users_in_the_admin(client, coordinator, caseworker_heusden):
    client.force_login(coordinator)
    assert client.get("/admin/").status_code == 200
    response = client.get(f"/admin/baanbrekers/user/{caseworker_heusden.pk}/change/")
    assert response.status_code == 200


def test_anonymous_admin_goes_to_the_allauth_login(client, db):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_password_reset_sends_a_mail(client, caseworker_heusden, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": caseworker_heusden.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert caseworker_heusden.email in mailoutbox[0].to
