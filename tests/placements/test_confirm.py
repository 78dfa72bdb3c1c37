"""Ending a buddy pairing is confirmed first, without JavaScript (issue 11): before, one click
on "End the pairing" ended it."""

import pytest
from django.urls import reverse

from placements.models import BuddyPairing
from tests.placements.factories import BuddyPairingFactory

pytestmark = pytest.mark.django_db


def test_ending_a_pairing_needs_the_confirmation_box(client, caseworker_heusden, heusden_person):
    pairing = BuddyPairingFactory(jobseeker=heusden_person)
    client.force_login(caseworker_heusden)
    url = reverse("placements:buddy_detail", args=[pairing.pk])
    page = client.get(url).content.decode()
    assert 'name="end-confirm"' in page and "required" in page
    response = client.post(url, {"form": "end"})
    assert response.status_code == 400
    assert "Vink aan" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.status != "ended"
    response = client.post(url, {"form": "end", "end-confirm": "on"})
    assert response.status_code == 302
    assert BuddyPairing.objects.get(pk=pairing.pk).status == "ended"
