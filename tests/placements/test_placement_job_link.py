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


def test_a_second_job_after_the_same_placement_is_refused(coordinator, heusden_person):
    import datetime

    from django.core.exceptions import ValidationError

    from placements import services
    from placements.models import ContractType, JobOutcome, JobRoute

    placement = make_placement(user=coordinator, jobseeker=heusden_person, status="completed")
    JobOutcomeFactory(jobseeker=heusden_person, employer=placement.employer, placement=placement)

    with pytest.raises(ValidationError) as exc:
        services.job_outcome_record(
            jobseeker=heusden_person,
            contract_type=ContractType.PERMANENT,
            hours_per_week=24,
            start_date=datetime.date.today(),
            route=JobRoute.PLACEMENT,
            recorded_by=coordinator,
            employer=placement.employer,
            placement=placement,
        )
    assert "placement" in exc.value.message_dict
    assert JobOutcome.objects.filter(placement=placement).count() == 1
