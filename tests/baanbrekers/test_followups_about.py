"""followups_about: the follow-ups about a person and their records, in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baanbrekers.followups import followups_about
from baanbrekers.models import FollowUpStatus
from tests.followups.helpers import schedule_text
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import BuddyPairingFactory, JobOutcomeFactory, PlacementFactory
from tests.visits.factories import VisitFactory
from visits.models import Click, VisitSignUp

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 12, 1)


def schedule(subject, kind="test.about", **fields):
    return schedule_text(kind=kind, subject=subject, due_on=DUE, text="Opvolgen", **fields)


def _records(person, *, placement=True):
    visit = VisitFactory()
    records = [
        ConsentFactory(jobseeker=person),
        Click.objects.create(visit=visit, jobseeker=person),
        VisitSignUp.objects.create(visit=visit, jobseeker=person),
        JobOutcomeFactory(jobseeker=person),
        BuddyPairingFactory(jobseeker=person),
    ]
    # One active placement per person.
    return [person, *records, PlacementFactory(jobseeker=person)] if placement else records


def test_follow_ups_about_the_person_and_each_kind_of_their_records():
    person = JobSeekerFactory()
    expected = {schedule(record).pk for record in _records(person)}
    # Not about this person: another person's records, and a record of another type that
    # happens to have the same id as one of theirs.
    other = JobSeekerFactory()
    others = {schedule(record).pk for record in _records(other)}
    done = schedule(person, kind="test.done")
    done.status = FollowUpStatus.DONE
    done.save(update_fields=["status"])

    found = {f.pk for f in followups_about(person)}

    assert found == expected
    assert not found & others
    assert done.pk in {f.pk for f in followups_about(person, statuses=FollowUpStatus.values)}


def test_same_id_other_type_is_not_about_the_person():
    person = JobSeekerFactory()
    consent = ConsentFactory(jobseeker=person)
    stranger_click = Click.objects.create(visit=VisitFactory(), jobseeker=JobSeekerFactory())
    # A follow-up whose subject id is the consent's id, but about a click of someone else.
    followup = schedule(stranger_click)
    followup.subject_id = str(consent.pk)
    followup.save(update_fields=["subject_id"])
    assert list(followups_about(person)) == []


def test_one_query_however_many_records():
    person = JobSeekerFactory()
    for record in _records(person):
        schedule(record)
    with CaptureQueriesContext(connection) as few:
        list(followups_about(person))
    for record in _records(person, placement=False):
        schedule(record)
    with CaptureQueriesContext(connection) as more:
        assert len(list(followups_about(person))) == 12
    assert len(few) == len(more) == 1
