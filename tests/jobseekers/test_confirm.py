"""Withdrawing a consent is confirmed first, without JavaScript (issue 11): before, one click
on "Withdraw" withdrew it."""

import pytest
from django.urls import reverse

from jobseekers.models import ConsentKind
from tests.jobseekers.factories import ConsentFactory

pytestmark = pytest.mark.django_db


def test_withdrawing_a_consent_asks_for_confirmation(client, caseworker_heusden, heusden_person):
    consent = ConsentFactory(jobseeker=heusden_person, kind=ConsentKind.JOIN_VISITS)
    client.force_login(caseworker_heusden)
    url = reverse("jobseekers:consent_withdraw", args=[heusden_person.pk, consent.pk])
    detail = client.get(reverse("jobseekers:detail", args=[heusden_person.pk])).content.decode()
    assert f'href="{url}"' in detail  # a link to a confirmation page, not a one-click form
    page = client.get(url)
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    response = client.post(url, {})
    assert response.status_code == 200 and "Vink aan" in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
