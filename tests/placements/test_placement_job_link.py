"""A finished placement whose paid job is recorded: the page links to the job and does not offer
to record it a second time (found walking the caseworker's journey, issue 11)."""

import pytest
from django.urls import reverse

from tests.placements.factories import JobOutcomeFactory, make_placement

pytestmark = pytest.mark.django_db


def test_a_placement_with_its_job_links_to_it_and_offers_no_second_one(
    client, coordinator, heusden_person
):
    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="completed")
    job = JobOutcomeFactory(
        jobseeker=heusden_person, employer=placement.employer, placement=placement
    )
    client.force_login(coordinator)

    html = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()

    assert 'data-testid="record-job"' not in html
    assert f'href="{reverse("placements:job_detail", args=[job.pk])}"' in html
