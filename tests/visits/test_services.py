import datetime
import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from baanbrekers.models import FollowUp
from employers.models import Employer
from jobseekers.models import ConsentKind
from tests.employers.factories import EmployerContactFactory
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.visits.factories import VisitFactory
from visits import services
from visits.models import Click, VisitAction, VisitReport, VisitSignUp, VisitStatus
from visits.services import ActionInput, ClickInput, VisitError


def test_planning_without_place_uses_the_employer_address_and_the_planner_joins(
    employer, caseworker_heusden, alderman
):
    visit = services.visit_plan(
        employer=employer,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        purpose="Kennismaken",
        planned_by=caseworker_heusden,
        staff=[alderman],
    )
    assert visit.place == "Molenstraat 12, 5251 AB, Vlijmen"
    assert set(visit.staff.values_list("user__email", flat=True)) == {
        caseworker_heusden.email,
        alderman.email,
    }


def test_host_must_belong_to_the_visited_employer(employer, caseworker_heusden):
    other_host = EmployerContactFactory()
    with pytest.raises(VisitError):
        services.visit_plan(
            employer=employer,
            starts_at=timezone.now() + datetime.timedelta(days=3),
            purpose="x",
            planned_by=caseworker_heusden,
            host=other_host,
        )


def test_sign_up_requires_a_valid_join_visits_consent(visit, caseworker_heusden):
    nobody_asked = JobSeekerFactory()
    expired = JobSeekerFactory()
    ConsentFactory(
        jobseeker=expired,
        kind=ConsentKind.JOIN_VISITS,
        given_on=timezone.localdate() - datetime.timedelta(days=400),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    other_kind = JobSeekerFactory()
    ConsentFactory(jobseeker=other_kind, kind="share_profile")
    withdrawn = JobSeekerFactory()
    ConsentFactory(
        jobseeker=withdrawn, kind=ConsentKind.JOIN_VISITS, withdrawn_on=timezone.localdate()
    )
    ends_before_visit = JobSeekerFactory()
    ConsentFactory(
        jobseeker=ends_before_visit,
        kind=ConsentKind.JOIN_VISITS,
        valid_until=timezone.localdate(),
    )
    for jobseeker in (nobody_asked, expired, other_kind, withdrawn, ends_before_visit):
        with pytest.raises(VisitError, match="toestemming|consent"):
            services.visit_jobseeker_sign_up(
                visit=visit, jobseeker=jobseeker, signed_up_by=caseworker_heusden
            )
    assert not VisitSignUp.objects.exists()

    ok = JobSeekerFactory(joins_visits=True)
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=ok, signed_up_by=caseworker_heusden)
    assert list(visit.signups.values_list("jobseeker", flat=True)) == [ok.pk]


def test_sign_up_refuses_beyond_capacity_and_twice(visit, caseworker_heusden):
    visit.capacity = 1
    visit.save()
    first, second = JobSeekerFactory(joins_visits=True), JobSeekerFactory(joins_visits=True)
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=first, signed_up_by=caseworker_heusden)
    with pytest.raises(VisitError):
        services.visit_jobseeker_sign_up(
            visit=visit, jobseeker=first, signed_up_by=caseworker_heusden
        )
    with pytest.raises(VisitError, match="vol|full"):
        services.visit_jobseeker_sign_up(
            visit=visit, jobseeker=second, signed_up_by=caseworker_heusden
        )


def test_capacity_cannot_be_lowered_below_the_sign_ups(visit, caseworker_heusden):
    for _ in range(2):
        services.visit_jobseeker_sign_up(
            visit=visit,
            jobseeker=JobSeekerFactory(joins_visits=True),
            signed_up_by=caseworker_heusden,
        )
    with pytest.raises(VisitError):
        services.visit_update(visit=visit, changed_by=caseworker_heusden, capacity=1)
    services.visit_update(visit=visit, changed_by=caseworker_heusden, capacity=2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_never_exceed_capacity(heusden, caseworker_heusden):
    """Eight caseworker requests at the same moment for three places, each in its own
    connection: exactly three succeed, the others get the 'full' message."""
    visit = VisitFactory(employer__municipality=heusden, capacity=3)
    jobseekers = [JobSeekerFactory(joins_visits=True) for _ in range(8)]
    barrier = threading.Barrier(len(jobseekers))
    results: list[str] = []
    lock = threading.Lock()

    def sign_up(jobseeker):
        try:
            barrier.wait(timeout=10)
            services.visit_jobseeker_sign_up(
                visit=visit, jobseeker=jobseeker, signed_up_by=caseworker_heusden
            )
            outcome = "ok"
        except VisitError as exc:
            outcome = exc.message
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=sign_up, args=(js,)) for js in jobseekers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count("ok") == 3
    assert len(results) == 8
    assert all("vol" in r or "full" in r for r in results if r != "ok")
    assert VisitSignUp.objects.filter(visit=visit).count() == 3


def _past_visit_with_signups(visit, caseworker, n=2):
    jobseekers = [JobSeekerFactory(joins_visits=True, caseworker=caseworker) for _ in range(n)]
    for js in jobseekers:
        services.visit_jobseeker_sign_up(visit=visit, jobseeker=js, signed_up_by=caseworker)
    visit.starts_at = timezone.now() - datetime.timedelta(hours=3)
    visit.save(update_fields=["starts_at"])
    return jobseekers


def test_report_creates_clicks_actions_and_follow_ups_in_one_go(visit, caseworker_heusden):
    host = EmployerContactFactory(employer=visit.employer, email="host@bakkerij.example.org")
    visit.host = host
    visit.save()
    anna, _bob = _past_visit_with_signups(visit, caseworker_heusden)
    due = timezone.localdate() + datetime.timedelta(days=14)
    report = services.visit_report_save(
        visit=visit,
        written_by=caseworker_heusden,
        learnt="Ze zoeken mensen met oog voor detail.",
        story_field="story_values",
        clicks=[ClickInput(anna, "Wil meedraaien in de bakkerij")],
        actions=[ActionInput("Proefplaatsing regelen", caseworker_heusden, due)],
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.HELD
    click = Click.objects.get()
    action = VisitAction.objects.get()
    followups = {f.kind: f for f in FollowUp.objects.all()}
    assert set(followups) == {"visit_thanks", "visit_click", "visit_action"}
    thanks = followups["visit_thanks"]
    assert thanks.subject_type == "visits.Visit" and thanks.subject_id == str(visit.pk)
    assert thanks.due_on == services.next_working_day(timezone.localdate())
    assert thanks.due_on.weekday() < 5 and thanks.due_on > timezone.localdate()
    assert thanks.recipient_email == "host@bakkerij.example.org"
    assert followups["visit_click"].subject_id == str(click.pk)
    assert followups["visit_click"].assignee == caseworker_heusden
    assert followups["visit_action"].subject_id == str(action.pk)
    assert followups["visit_action"].due_on == due
    assert "oog voor detail" in Employer.objects.get(pk=visit.employer_id).story_values
    assert report.story_field == "story_values"


def test_report_without_story_option_leaves_the_story_alone(visit, caseworker_heusden):
    _past_visit_with_signups(visit, caseworker_heusden, n=0)
    before = visit.employer.story_values
    services.visit_report_save(visit=visit, written_by=caseworker_heusden, learnt="Niets nieuws")
    assert Employer.objects.get(pk=visit.employer_id).story_values == before


def test_follow_ups_roll_back_with_the_report(visit, caseworker_heusden):
    anna, _bob = _past_visit_with_signups(visit, caseworker_heusden)
    real_schedule = services.followup_schedule
    calls = []

    def failing_schedule(**kwargs):
        calls.append(kwargs["kind"])
        if kwargs["kind"] == "visit_click":
            raise RuntimeError("database trouble")
        return real_schedule(**kwargs)

    with (
        mock.patch.object(services, "followup_schedule", failing_schedule),
        pytest.raises(RuntimeError),
    ):
        services.visit_report_save(
            visit=visit,
            written_by=caseworker_heusden,
            learnt="Geleerd",
            story_field="story_what",
            clicks=[ClickInput(anna, "")],
        )
    assert calls == ["visit_thanks", "visit_click"]  # the thank-you was made, then undone
    assert not FollowUp.objects.exists()
    assert not VisitReport.objects.exists()
    assert not Click.objects.exists()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert "Geleerd" not in Employer.objects.get(pk=visit.employer_id).story_what


def test_click_only_for_a_job_seeker_who_signed_up(visit, caseworker_heusden):
    _past_visit_with_signups(visit, caseworker_heusden, n=1)
    stranger = JobSeekerFactory(joins_visits=True)
    with pytest.raises(VisitError):
        services.visit_report_save(
            visit=visit,
            written_by=caseworker_heusden,
            learnt="x",
            clicks=[ClickInput(stranger, "")],
        )
    assert not FollowUp.objects.exists() and not VisitReport.objects.exists()


def test_no_report_before_the_visit_or_twice(visit, caseworker_heusden):
    with pytest.raises(VisitError):
        services.visit_report_save(visit=visit, written_by=caseworker_heusden, learnt="x")
    _past_visit_with_signups(visit, caseworker_heusden, n=0)
    services.visit_report_save(visit=visit, written_by=caseworker_heusden, learnt="x")
    with pytest.raises(VisitError):
        services.visit_report_save(visit=visit, written_by=caseworker_heusden, learnt="y")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 11, 23), datetime.date(2026, 11, 24)),  # Monday -> Tuesday
        (datetime.date(2026, 11, 27), datetime.date(2026, 11, 30)),  # Friday -> Monday
        (datetime.date(2026, 11, 28), datetime.date(2026, 11, 30)),  # Saturday -> Monday
    ],
)
def test_next_working_day(day, expected):
    assert services.next_working_day(day) == expected


def test_renewing_the_feed_token_replaces_it(caseworker_heusden):
    first = services.calendar_token_get(user=caseworker_heusden).token
    assert services.calendar_token_get(user=caseworker_heusden).token == first
    renewed = services.calendar_token_renew(user=caseworker_heusden).token
    assert renewed != first and len(renewed) >= 40


def test_cancel_only_planned(visit, caseworker_heusden):
    services.visit_cancel(visit=visit, cancelled_by=caseworker_heusden)
    assert visit.status == VisitStatus.CANCELLED
    with pytest.raises(VisitError):
        services.visit_cancel(visit=visit, cancelled_by=caseworker_heusden)
    with pytest.raises(VisitError):
        services.visit_jobseeker_sign_up(
            visit=visit,
            jobseeker=JobSeekerFactory(joins_visits=True),
            signed_up_by=caseworker_heusden,
        )
