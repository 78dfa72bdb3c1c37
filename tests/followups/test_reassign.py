"""Open follow-ups move with a job seeker when their caseworker changes."""

import datetime

import pytest

from baanbrekers.followups import followups_reassign
from baanbrekers.models import FollowUp, FollowUpStatus
from tests.followups.helpers import schedule_text
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import JobOutcomeFactory, PlacementFactory
from tests.users import make_user

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 1)


def schedule(subject, assignee, kind="test.rule", **fields):
    followup = schedule_text(
        kind=kind, subject=subject, due_on=DUE, text="Opvolgen", assignee=assignee
    )
    if fields:
        FollowUp.objects.filter(pk=followup.pk).update(**fields)
    return followup


@pytest.fixture
def new_caseworker(heusden):
    return make_user("nina@heusden.example.org", "caseworker", [heusden], first_name="Nina")


def test_open_follow_ups_about_the_person_and_their_records_move(
    caseworker_heusden, caseworker_waalwijk, new_caseworker
):
    old = caseworker_heusden
    person = JobSeekerFactory(caseworker=old)
    about_person = schedule(person, old)
    about_consent = schedule(ConsentFactory(jobseeker=person), old, status=FollowUpStatus.SENT)
    about_placement = schedule(PlacementFactory(jobseeker=person), old)
    about_job = schedule(JobOutcomeFactory(jobseeker=person), old)
    # Stays: done already, a colleague's, someone else's person.
    done = schedule(person, old, kind="test.done", status=FollowUpStatus.DONE)
    colleagues = schedule(person, caseworker_waalwijk, kind="test.colleague")
    other_person = schedule(JobSeekerFactory(caseworker=old), old)

    moved = followups_reassign(subject=person, old_assignee=old, new_assignee=new_caseworker)

    assert moved == 4
    assignees = dict(FollowUp.objects.values_list("pk", "assignee"))
    for followup in (about_person, about_consent, about_placement, about_job):
        assert assignees[followup.pk] == new_caseworker.pk
    assert assignees[done.pk] == old.pk
    assert assignees[colleagues.pk] == caseworker_waalwijk.pk
    assert assignees[other_person.pk] == old.pk


def test_a_follow_up_that_failed_for_want_of_a_caseworker_gets_a_fresh_start(new_caseworker):
    person = JobSeekerFactory(caseworker=None)
    failed = schedule(
        ConsentFactory(jobseeker=person),
        None,
        status=FollowUpStatus.FAILED,
        attempts=5,
        last_error="ValueError: no recipient",
    )
    assert followups_reassign(subject=person, old_assignee=None, new_assignee=new_caseworker) == 1
    failed.refresh_from_db()
    assert failed.assignee == new_caseworker
    assert failed.status == FollowUpStatus.PENDING
    assert failed.attempts == 0 and failed.last_error == ""


def test_reassigning_to_the_same_person_changes_nothing(caseworker_heusden):
    person = JobSeekerFactory(caseworker=caseworker_heusden)
    schedule(person, caseworker_heusden)
    assert (
        followups_reassign(
            subject=person, old_assignee=caseworker_heusden, new_assignee=caseworker_heusden
        )
        == 0
    )
