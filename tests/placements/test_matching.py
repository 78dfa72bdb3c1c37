"""The pipeline's use of the matching engine (the engine itself is tested in tests/matching/): the
page and the API rank with the same inputs, clicks during a company visit included."""

import pytest
from django.urls import reverse
from django.utils import timezone

from visits.models import Click, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def clicked_at_a_visit(heusden_person, workshop):
    visit = Visit.objects.create(
        employer=workshop.employer, starts_at=timezone.now(), purpose="Kennismaken"
    )
    Click.objects.create(visit=visit, jobseeker=heusden_person)
    return heusden_person


def test_the_pipeline_page_lifts_a_person_who_clicked(
    client, coordinator, clicked_at_a_visit, workshop
):
    client.force_login(coordinator)
    html = client.get(reverse("placements:opening_matches", args=[workshop.pk])).content.decode()
    assert "klik tijdens een bedrijfsbezoek; " in html


def test_the_match_endpoint_lifts_a_person_who_clicked(
    client, coordinator, clicked_at_a_visit, workshop
):
    client.force_login(coordinator)
    [row] = client.get(f"/api/v1/matches/openings/{workshop.pk}/").json()
    assert row["jobseeker"] == clicked_at_a_visit.pk
    assert row["explanation"].startswith("klik tijdens een bedrijfsbezoek; ")
