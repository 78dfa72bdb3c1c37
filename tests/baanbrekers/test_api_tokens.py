"""Personal API tokens with the same rules as sessions (issue 13).

Before: DRF's authtoken, one never-expiring token per user, stored in clear, made for anyone by
any coordinator in the admin, and the token skipped the two-factor rule and reached the BSN
reveal. Now: django-rest-knox tokens (digest only, expiring) made on /profile/api-tokens/ after a
fresh two-factor check, refused when the grant changed, and never for a BSN reveal.
"""

import datetime
import hashlib

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from baanbrekers.api.models import ApiToken
from baanbrekers.models import AuditEvent, Role
from tests.baanbrekers.factories import api_token
from tests.users import totp_code

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
JOBSEEKERS = "/api/v1/jobseekers/"
PAGE = "/profile/api-tokens/"


def _auth(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


# --- Same rules as a session ------------------------------------------------------------------


def test_staff_without_two_factor_are_refused_by_token_as_by_session(
    client, caseworker_heusden, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = True
    secret = api_token(caseworker_heusden)
    Authenticator.objects.filter(user=caseworker_heusden).delete()

    client.force_login(caseworker_heusden)
    assert client.get(JOBSEEKERS).status_code == 403  # the session, as before
    client.logout()
    by_token = client.get(JOBSEEKERS, **_auth(secret))
    assert by_token.status_code == 403  # before: 200
    assert "twee" in by_token.json()["detail"].lower()  # Dutch: tweestapsverificatie


def test_employer_contacts_without_two_factor_may_use_their_token(
    client, employer_contact_a, settings
):
    """The two-factor rule is the session's: it binds staff, not employer contacts."""
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert client.get(ME, **_auth(api_token(employer_contact_a))).status_code == 200


def test_tokens_expire_after_the_configured_days(client, caseworker_heusden):
    assert settings.API_TOKEN_TTL_DAYS == 90
    secret = api_token(caseworker_heusden)
    token = ApiToken.objects.get()
    expected = timezone.now() + datetime.timedelta(days=90)
    assert abs((token.expiry - expected).total_seconds()) < 60
    assert client.get(ME, **_auth(secret)).status_code == 200

    AuthToken.objects.update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(ME, **_auth(secret)).status_code in (401, 403)
    assert not ApiToken.objects.exists()  # knox removes an expired token when it is used
    assert not AuthToken.objects.exists()


def test_tokens_are_stored_as_a_digest_only(caseworker_heusden):
    secret = api_token(caseworker_heusden)
    row = AuthToken.objects.values().get()
    assert secret not in str(row) + str(ApiToken.objects.values().get())
    assert row["digest"] == hashlib.sha512(secret.encode()).hexdigest()
    assert secret.startswith("bb_")


@pytest.mark.parametrize("change", ["role", "municipalities", "deactivated"])
def test_a_token_stops_working_when_role_or_municipalities_change_or_the_account_is_closed(
    client, caseworker_heusden, waalwijk, change
):
    secret = api_token(caseworker_heusden)
    assert client.get(JOBSEEKERS, **_auth(secret)).status_code == 200
    if change == "role":
        caseworker_heusden.role = Role.ALDERMAN
        caseworker_heusden.save()
    elif change == "municipalities":
        caseworker_heusden.municipalities.add(waalwijk)
    else:
        caseworker_heusden.is_active = False
        caseworker_heusden.save()
    response = client.get(ME, **_auth(secret))
    assert response.status_code in (401, 403)
    if change != "deactivated":
        assert not ApiToken.objects.exists()  # a token of an old grant is gone for good
    # Changing back does not revive it.
    if change == "municipalities":
        caseworker_heusden.municipalities.remove(waalwijk)
        assert client.get(ME, **_auth(secret)).status_code in (401, 403)


def test_the_bsn_is_revealed_in_a_browser_session_only_never_by_token(
    client, caseworker_heusden, heusden_person
):
    url = f"{JOBSEEKERS}{heusden_person.pk}/reveal-bsn/"
    by_token = client.post(url, **_auth(api_token(caseworker_heusden)))
    assert by_token.status_code == 403  # before: 200 with the BSN
    assert "111222333" not in by_token.content.decode()
    assert not AuditEvent.objects.filter(action="reveal").exists()

    client.force_login(caseworker_heusden)
    assert client.post(url).json() == {"bsn": "111222333"}


def test_a_bare_knox_token_without_our_record_does_not_work(client, caseworker_heusden):
    """Only tokens made on the token page (with their grant) count; knox's own admin is gone."""
    _knox, secret = AuthToken.objects.create(user=caseworker_heusden)
    assert client.get(ME, **_auth(secret)).status_code in (401, 403)
    assert not AuthToken.objects.exists()


def test_reading_by_token_still_works_for_the_back_office(
    client, caseworker_heusden, heusden_person
):
    secret = api_token(caseworker_heusden)
    response = client.get(f"{JOBSEEKERS}{heusden_person.pk}/", **_auth(secret))
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


# --- The token page ---------------------------------------------------------------------------


def _confirm_two_factor(client, next_url=PAGE):
    """allauth's "confirm with two-factor" page, as the user goes through it."""
    return client.post(
        f"{reverse('mfa_reauthenticate')}?next={next_url}",
        {"code": totp_code(), "next": next_url},
    )


def test_making_a_token_needs_a_fresh_two_factor_check(client, caseworker_heusden):
    client.force_login(caseworker_heusden)  # signed in, but no two-factor check in this session
    page = client.get(PAGE)
    assert page.status_code == 200
    assert reverse("mfa_reauthenticate") in page.content.decode()
    refused = client.post(PAGE, {"name": "Export"})
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "name%3DExport" in refused["Location"]  # the name comes back after the check
    assert not ApiToken.objects.exists()

    confirmed = _confirm_two_factor(client, f"{PAGE}?name=Export")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"{PAGE}?name=Export"
    assert 'value="Export"' in client.get(confirmed["Location"]).content.decode()

    made = client.post(PAGE, {"name": "Export"})
    assert made.status_code == 200
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (caseworker_heusden, "Export")
    html = made.content.decode()
    secret = html.split('id="new-token"')[1].split(">", 1)[1].split("<", 1)[0]
    assert hashlib.sha512(secret.encode()).hexdigest() == token.knox_token.digest
    assert "no-store" in made["Cache-Control"] or "no-cache" in made["Cache-Control"]
    assert client.get(ME, **_auth(secret)).status_code == 200
    # Listed with its name, never with its secret again.
    listing = client.get(PAGE).content.decode()
    assert "Export" in listing and secret not in listing
    assert AuditEvent.objects.filter(action="create", object_type="api.ApiToken").count() == 1


def test_a_two_factor_check_of_long_ago_is_not_fresh(client, caseworker_heusden, monkeypatch):
    client.force_login(caseworker_heusden)
    _confirm_two_factor(client)
    import time

    from allauth.account import app_settings

    later = time.time() + app_settings.REAUTHENTICATION_TIMEOUT + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.post(PAGE, {"name": "Late"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_without_two_factor_no_token_can_be_made(client, employer_contact_a):
    client.force_login(employer_contact_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert reverse("mfa_activate_totp") in page.content.decode()
    assert client.post(PAGE, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_name_is_required_and_the_error_stands_next_to_the_field(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    _confirm_two_factor(client)
    response = client.post(PAGE, {"name": "  "}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_only(client, caseworker_heusden, coordinator):
    mine = api_token(caseworker_heusden, name="Mine")
    api_token(coordinator, name="Cors")
    cors = ApiToken.objects.get(name="Cors")
    client.force_login(caseworker_heusden)
    assert "Cors" not in client.get(PAGE).content.decode()
    other = client.post(reverse("api_token_revoke", args=[cors.public_id]))
    assert other.status_code == 404
    own = ApiToken.objects.get(name="Mine")
    assert client.post(reverse("api_token_revoke", args=[own.public_id])).status_code == 302
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["Cors"]
    client.logout()
    assert client.get(ME, **_auth(mine)).status_code in (401, 403)


def test_a_coordinator_cannot_make_a_token_for_someone_else(rf, coordinator, caseworker_heusden):
    """The service makes tokens for the signed-in user only; the page has no user field and the
    admin no add form (tests/baanbrekers/test_admin.py)."""
    from django.core.exceptions import PermissionDenied

    from baanbrekers.api.tokens import api_token_create

    request = rf.post(PAGE)
    request.user = coordinator
    request.session = {}
    with pytest.raises(PermissionDenied):
        api_token_create(user=caseworker_heusden, name="As Karin", request=request)
    assert not ApiToken.objects.exists()
