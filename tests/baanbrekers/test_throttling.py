"""Rate limits on the API and the BSN reveal (issue 13), counted in Redis.

Before: nothing throttled the API or the BSN reveal. The claim and invitation limits are tested
in tests/portal/test_joining.py.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from baanbrekers.models import AuditEvent

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_the_rates_are_configured_in_the_settings():
    from django.conf import settings

    rf = settings.REST_FRAMEWORK
    assert "baanbrekers.api.throttles.ApiUserThrottle" in rf["DEFAULT_THROTTLE_CLASSES"]
    assert set(rf["DEFAULT_THROTTLE_RATES"]) >= {
        "user",
        "anon",
        "bsn_reveal",
        "claim_user",
        "claim_address",
        "invitation_user",
        "invitation_address",
    }
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for name in (
        "API_TOKEN_TTL_DAYS",
        "RATE_API_USER",
        "RATE_API_ANON",
        "RATE_BSN_REVEAL",
        "RATE_CLAIM_USER",
        "RATE_CLAIM_ADDRESS",
        "RATE_INVITATION_USER",
        "RATE_INVITATION_ADDRESS",
    ):
        assert f"`{name}`" in readme, name


def test_the_api_is_limited_per_user_with_a_dutch_429(
    client, settings, caseworker_heusden, alderman
):
    _rates(settings, user="3/minute")
    client.force_login(caseworker_heusden)
    assert [client.get(ME).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get(ME)
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Te veel pogingen")
    assert 0 < int(refused["Retry-After"]) <= 60
    # In English for an English client, and per user: someone else is not held up.
    assert "Too many" in client.get(ME, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    client.force_login(alderman)
    assert client.get(ME).status_code == 200


def test_the_bsn_reveal_is_limited_and_a_refused_attempt_is_audited(
    client, settings, caseworker_heusden, heusden_person
):
    _rates(settings, bsn_reveal="2/hour")
    client.force_login(caseworker_heusden)
    api = f"/api/v1/jobseekers/{heusden_person.pk}/reveal-bsn/"
    assert [client.post(api).status_code for _ in range(3)] == [200, 200, 429]
    refused = client.post(api)
    assert "111222333" not in refused.content.decode()
    assert "Te veel pogingen" in refused.json()["detail"]
    events = AuditEvent.objects.filter(action="reveal", actor=caseworker_heusden)
    assert events.filter(detail__refused="too many reveals").count() == 2
    assert events.exclude(detail__has_key="refused").count() == 2

    # The page's "show BSN" button counts against the same limit.
    page = reverse("jobseekers:reveal_bsn", args=[heusden_person.pk])
    response = client.post(page)
    assert response.status_code == 429
    assert "111222333" not in response.content.decode()
    assert "Te veel pogingen" in response.content.decode()
    htmx = client.post(page, HTTP_HX_REQUEST="true")
    assert "Te veel pogingen" in htmx.content.decode()  # swapped in place of the button
    assert "111222333" not in htmx.content.decode()
    assert events.filter(detail__refused="too many reveals").count() == 4
