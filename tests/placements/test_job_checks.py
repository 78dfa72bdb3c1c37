"""Lasting work (issue 11): a job's end, the 6- and 12-month "still working?" checks answered
by the caseworker or the employer, and the council's figure counted from those answers only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from baanbrekers.followups import followup_rules_apply
from baanbrekers.models import FollowUp, FollowUpStatus
from jobseekers.models import JobSeekerStatus
from placements import services
from placements.followup_rules import job_retention_kind
from placements.models import JobCheck, JobCheckSource
from stats import services as stats_services
from stats.models import DailyFigures
from tests.employers.factories import EmployerContactFactory
from tests.jobseekers.factories import JobSeekerFactory

from .factories import JobOutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def job(heusden, bakery_heusden, caseworker_heusden, today):
    """A job that started 13 months ago: both checks are due."""
    person = JobSeekerFactory(
        municipality=heusden, caseworker=caseworker_heusden, status=JobSeekerStatus.WORKING
    )
    return JobOutcomeFactory(
        jobseeker=person,
        employer=bakery_heusden,
        start_date=services.add_months(today, -13),
    )


def _rule_followups(job, months):
    return FollowUp.objects.filter(
        kind=job_retention_kind(months),
        subject_type="placements.JobOutcome",
        subject_id=str(job.pk),
    )


def test_answering_closes_the_open_followup_once_per_job_and_month(job, caseworker_heusden):
    mark = services.job_retention_due_on(job, 6)
    followup_rules_apply(now=timezone.make_aware(datetime.datetime.combine(mark, datetime.time(9))))
    assert _rule_followups(job, 6).get().status == FollowUpStatus.PENDING

    check = services.job_check_record(
        job=job,
        months=6,
        still_working=True,
        source=JobCheckSource.CASEWORKER,
        recorded_by=caseworker_heusden,
    )
    assert check.checked_on == timezone.localdate()
    assert _rule_followups(job, 6).get().status == FollowUpStatus.DONE
    with pytest.raises(ValidationError):
        services.job_check_record(
            job=job,
            months=6,
            still_working=False,
            source=JobCheckSource.EMPLOYER,
            recorded_by=caseworker_heusden,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        JobCheck.objects.create(job=job, months=6, checked_on=check.checked_on, still_working=False)


def test_a_check_cannot_be_answered_before_it_is_due(job, caseworker_heusden, today):
    job.start_date = services.add_months(today, -3)
    job.save()
    with pytest.raises(ValidationError) as raised:
        services.job_check_record(
            job=job,
            months=6,
            still_working=True,
            source=JobCheckSource.CASEWORKER,
            recorded_by=caseworker_heusden,
        )
    assert "checked_on" in raised.value.error_dict


def test_no_longer_working_may_end_the_job_and_drops_later_checks(job, caseworker_heusden, today):
    last_day = services.job_retention_due_on(job, 6) + datetime.timedelta(days=10)
    services.job_check_record(
        job=job,
        months=6,
        still_working=False,
        end_date=last_day,
        source=JobCheckSource.CASEWORKER,
        recorded_by=caseworker_heusden,
    )
    job.refresh_from_db()
    assert job.end_date == last_day
    # Ended before the 12-month mark: that check is no longer asked.
    assert services.job_checks_open(job) == []
    job.jobseeker.refresh_from_db()
    assert job.jobseeker.status == JobSeekerStatus.ACTIVE  # looking for work again


def test_the_rule_asks_no_check_that_was_answered_or_whose_job_ended(job, caseworker_heusden):
    services.job_check_record(
        job=job,
        months=6,
        still_working=True,
        source=JobCheckSource.EMPLOYER,
        recorded_by=caseworker_heusden,
    )
    mark = services.job_retention_due_on(job, 6)
    followup_rules_apply(now=timezone.make_aware(datetime.datetime.combine(mark, datetime.time(9))))
    assert not _rule_followups(job, 6).exists()


def test_a_check_without_a_caseworker_goes_to_the_relationship_owner(job, coordinator):
    job.jobseeker.caseworker = None
    job.jobseeker.save()
    job.employer.relationship_owner = coordinator
    job.employer.save()
    mark = services.job_retention_due_on(job, 6)
    followup_rules_apply(now=timezone.make_aware(datetime.datetime.combine(mark, datetime.time(9))))
    assert _rule_followups(job, 6).get().assignee == coordinator


def test_caseworker_answers_on_the_jobs_page(client, job, caseworker_heusden):
    client.force_login(caseworker_heusden)
    page = client.get(reverse("placements:job_detail", args=[job.pk]) + "?months=12")
    assert page.status_code == 200
    assert "Nog aan het werk?" in page.content.decode()
    bad = client.post(reverse("placements:job_check", args=[job.pk]), {"months": "12"})
    assert bad.status_code == 400
    assert "Kies ja of nee." in bad.content.decode()
    response = client.post(
        reverse("placements:job_check", args=[job.pk]), {"months": "12", "still_working": "yes"}
    )
    assert response.status_code == 302
    check = job.checks.get(months=12)
    assert check.still_working and check.source == JobCheckSource.CASEWORKER


def test_caseworker_records_the_end_of_a_job(client, job, caseworker_heusden, today):
    client.force_login(caseworker_heusden)
    url = reverse("placements:job_end", args=[job.pk])
    too_early = job.start_date - datetime.timedelta(days=1)
    response = client.post(url, {"end_date": too_early.isoformat()})
    assert response.status_code == 400
    job.refresh_from_db()
    assert job.end_date is None
    assert (
        client.post(url, {"end_date": today.isoformat(), "reason": "Contract"}).status_code == 302
    )
    job.refresh_from_db()
    assert job.end_date == today and job.end_reason == "Contract"


def test_employer_answers_in_the_portal_and_sees_only_their_company(
    client, job, employer_contact_a, employer_contact_b, metal_waalwijk
):
    EmployerContactFactory(employer=job.employer, user=employer_contact_a)
    EmployerContactFactory(employer=metal_waalwijk, user=employer_contact_b)
    client.force_login(employer_contact_a)
    page = client.get(reverse("portal:job_checks"))
    assert job.jobseeker.initials_name in page.content.decode()
    prefix = f"job{job.pk}"
    response = client.post(
        reverse("portal:job_check_answer", args=[job.pk]),
        {f"{prefix}-months": "6", f"{prefix}-still_working": "no"},
    )
    assert response.status_code == 302
    check = job.checks.get(months=6)
    assert not check.still_working and check.source == JobCheckSource.EMPLOYER
    assert check.recorded_by == employer_contact_a

    client.force_login(employer_contact_b)
    assert (
        job.jobseeker.initials_name not in client.get(reverse("portal:job_checks")).content.decode()
    )
    other = client.post(
        reverse("portal:job_check_answer", args=[job.pk]),
        {f"{prefix}-months": "12", f"{prefix}-still_working": "yes"},
    )
    assert other.status_code == 404


def test_the_councils_figure_comes_from_the_answers_not_from_the_status(
    job, caseworker_heusden, today
):
    """Before issue 11 a person with status 'working' counted as still working; now only an
    answer does, and an unanswered check is counted as such."""
    job.jobseeker.benefit_type = "pw"
    job.jobseeker.save()
    stats_services.figures_rebuild(as_of=today)
    row = DailyFigures.objects.get(day=job.start_date)
    assert (row.retention_6m_due, row.retention_6m_answered, row.retention_6m_working) == (1, 0, 0)

    services.job_check_record(
        job=job,
        months=6,
        still_working=True,
        source=JobCheckSource.EMPLOYER,
        recorded_by=caseworker_heusden,
    )
    services.job_check_record(
        job=job,
        months=12,
        still_working=False,
        source=JobCheckSource.CASEWORKER,
        recorded_by=caseworker_heusden,
    )
    stats_services.figures_update(as_of=today)
    row.refresh_from_db()
    assert (row.retention_6m_answered, row.retention_6m_working) == (1, 1)
    assert (row.retention_12m_answered, row.retention_12m_working) == (1, 0)
