"""Retention (issue 13, "nothing is ever deleted"): the nightly housekeeping anonymises job
seekers without activity for settings.RETENTION_YEARS while the statistics stay the same, and
removes expired portal invitations and stale claims."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.utils import timezone

from baanbrekers.followups import followups_about
from baanbrekers.housekeeping import housekeeping_jobs, housekeeping_run
from baanbrekers.models import AuditEvent, FollowUp, FollowUpStatus, OutboxEmail
from jobseekers import services
from jobseekers.models import Consent, ConsentKind, JobSeeker, JobSeekerNote, JobSeekerStatus
from placements.models import DevelopmentPlacement, Proposal
from stats.models import COUNT_FIELDS, DailyFigures
from stats.services import figures_rebuild
from tests.jobseekers.factories import JobSeekerFactory, NoteFactory
from tests.placements.factories import BuddyPairingFactory, PlacementFactory, make_file_records
from tests.visits.factories import VisitFactory
from visits.models import VisitSignUp

TODAY = timezone.localdate()
# Far enough ahead that everything made today is older than the retention period.
LATER = TODAY.replace(year=TODAY.year + settings.RETENTION_YEARS + 3)

NAME = ("Xaveria", "Quickenborne")
BSN = "123456782"
EMAIL = "xaveria.q@example.org"
PHONE = "06 98765432"
NOTE = "Praat over haar schulden bij de Kredietbank"
LIMITATION = "Astma, geen stoffig werk"


@pytest.fixture
def person(heusden, caseworker_heusden, bakery_heusden):
    """A person with everything the platform can hold about someone: notes, consents, visits,
    clicks, proposals, a placement with check-in and evaluation, a job with its check, a buddy
    pairing, follow-ups and a mail about them."""
    person = JobSeekerFactory(
        first_name=NAME[0],
        last_name=NAME[1],
        bsn=BSN,
        email=EMAIL,
        phone=PHONE,
        birth_date=datetime.date(1984, 7, 23),
        limitations=LIMITATION,
        experience=f"{NAME[0]} werkte tien jaar in de schoonmaak",
        municipality=heusden,
        caseworker=caseworker_heusden,
        consenting=True,
        skills=["schoonmaken"],
    )
    services.note_add(jobseeker=person, text=NOTE, author=caseworker_heusden)
    make_file_records(user=caseworker_heusden, jobseeker=person, employer=bakery_heusden)
    DevelopmentPlacement.objects.filter(jobseeker=person).update(
        learning_goals=f"{NAME[0]} leert plannen", end_reason=f"{NAME[1]} stopte"
    )
    Proposal.objects.filter(jobseeker=person).update(motivation=f"{NAME[0]} past hier goed")
    followup = FollowUp.objects.create(
        kind="call",
        title_text=f"Bel {NAME[0]} {NAME[1]}",
        body_text=f"{NAME[0]} wacht op antwoord",
        subject_type=JobSeeker._meta.label,
        subject_id=str(person.pk),
        due_on=TODAY,
        status=FollowUpStatus.SENT,
        assignee=caseworker_heusden,
    )
    OutboxEmail.objects.create(
        followup=followup,
        to=caseworker_heusden.email,
        subject=f"Bel {NAME[0]} {NAME[1]}",
        body_text=f"{NAME[0]} {NAME[1]} wacht op antwoord",
        message_id="<retention-test@baanbrekers>",
        status="sent",
    )
    return person


def _figures() -> list[tuple]:
    return sorted(
        (f.municipality_id, f.day, *(getattr(f, name) for name in COUNT_FIELDS))
        for f in DailyFigures.objects.all()
    )


def _whole_database_text() -> str:
    """Every row of every model (and many-to-many table) as JSON: what a database dump holds."""
    parts = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        parts.append(serializers.serialize("json", model._default_manager.all()))
    return "\n".join(parts)


def test_anonymisation_keeps_the_statistics_identical(person, caseworker_heusden):
    figures_rebuild(as_of=TODAY)
    before = _figures()
    assert any(any(row[2:]) for row in before), "the person's records must count somewhere"

    assert services.jobseekers_anonymise_inactive(today=LATER) == 1

    figures_rebuild(as_of=TODAY)
    assert _figures() == before


def test_anonymisation_removes_every_personal_field_everywhere(person):
    person.refresh_from_db()
    secrets = [*NAME, EMAIL, PHONE, NOTE, LIMITATION, "1984-07-23", person.bsn_hash]
    secrets.append(person.bsn_encrypted)
    dump = _whole_database_text()
    assert all(secret in dump for secret in secrets[:-2]), "the test must see the data first"

    services.jobseekers_anonymise_inactive(today=LATER)

    dump = _whole_database_text()
    assert BSN not in dump
    for secret in secrets:
        assert secret not in dump, secret
    person.refresh_from_db()
    assert person.anonymised_on == LATER
    assert person.birth_date == datetime.date(1984, 1, 1)
    assert person.postcode == "5251"
    assert person.municipality.name == "Heusden"
    assert person.status == JobSeekerStatus.LEFT
    assert person.reveal_bsn() == "" and person.masked_bsn == ""
    assert not person.skills.exists()
    assert not JobSeekerNote.objects.filter(jobseeker=person).exists()
    assert not Consent.objects.filter(jobseeker=person).exists()
    assert str(person).endswith(f" #{person.pk}") and NAME[0] not in str(person)
    # Follow-ups about the person and their records: none left to do or to chase.
    open_statuses = [FollowUpStatus.PENDING, FollowUpStatus.FAILED, FollowUpStatus.UNCERTAIN]
    assert not followups_about(person, statuses=open_statuses).exists()


def test_one_audit_event_per_person_without_personal_data_and_twice_is_safe(person):
    assert services.jobseekers_anonymise_inactive(today=LATER) == 1
    assert services.jobseekers_anonymise_inactive(today=LATER) == 0
    assert services.jobseeker_anonymise(jobseeker=person) is False
    events = AuditEvent.objects.filter(
        object_type="jobseekers.JobSeeker", object_id=str(person.pk), detail__anonymised=True
    )
    assert events.count() == 1
    event = events.get()
    assert event.actor is None and event.action == "update"
    text = f"{event.object_repr} {event.detail}"
    assert NAME[0] not in text and NAME[1] not in text and BSN not in text


def _old(person: JobSeeker, years: int = 10) -> JobSeeker:
    """Makes the file ``years`` old: update() leaves the auto timestamps alone."""
    long_ago = timezone.now() - datetime.timedelta(days=365 * years)
    JobSeeker.objects.filter(pk=person.pk).update(created_at=long_ago, updated_at=long_ago)
    Consent.objects.filter(jobseeker=person).update(
        created_at=long_ago,
        given_on=long_ago.date(),
        valid_until=long_ago.date() + datetime.timedelta(days=365),
    )
    return person


def _recent_note(person, user):
    NoteFactory(jobseeker=person, author=user)


def _consent_in_force(person, user):
    Consent.objects.filter(jobseeker=person).update(valid_until=TODAY + datetime.timedelta(days=30))


def _visit_to_come(person, user):
    VisitSignUp.objects.create(visit=VisitFactory(), jobseeker=person)


def _running_placement(person, user):
    placement = PlacementFactory(jobseeker=person)
    long_ago = timezone.now() - datetime.timedelta(days=3650)
    DevelopmentPlacement.objects.filter(pk=placement.pk).update(updated_at=long_ago)


def _buddy_pairing(person, user):
    BuddyPairingFactory(jobseeker=person)


def _status_change(person, user):
    services.jobseeker_leave(jobseeker=person, changed_by=user)


@pytest.mark.parametrize(
    "activity",
    [
        _recent_note,
        _consent_in_force,
        _visit_to_come,
        _running_placement,
        _buddy_pairing,
        _status_change,
    ],
)
def test_active_people_are_skipped(heusden, caseworker_heusden, activity):
    quiet = _old(JobSeekerFactory(municipality=heusden, consents=[ConsentKind.JOIN_VISITS]))
    active = _old(JobSeekerFactory(municipality=heusden, consents=[ConsentKind.JOIN_VISITS]))
    activity(active, caseworker_heusden)

    cutoff = services.retention_cutoff()
    assert set(JobSeeker.objects.inactive_since(cutoff)) == {quiet}
    assert services.jobseekers_anonymise_inactive() == 1
    quiet.refresh_from_db()
    active.refresh_from_db()
    assert quiet.anonymised_on == TODAY
    assert active.anonymised_on is None and active.first_name.startswith("Voornaam")


def test_people_within_the_retention_period_are_kept(person):
    assert services.jobseekers_anonymise_inactive() == 0
    person.refresh_from_db()
    assert person.first_name == NAME[0]


def test_retention_period_is_the_setting(heusden, settings):
    person = _old(JobSeekerFactory(municipality=heusden), years=3)
    settings.RETENTION_YEARS = 5
    assert services.jobseekers_anonymise_inactive() == 0
    settings.RETENTION_YEARS = 2
    assert services.jobseekers_anonymise_inactive() == 1
    person.refresh_from_db()
    assert person.anonymised_on is not None


def test_the_nightly_job_runs_every_housekeeping_job(heusden):
    """The beat entry names a registered task, and the task runs the job seekers' retention
    and the portal's clean-up."""
    from baanbrekers.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["housekeeping-nightly"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert {"jobseekers_anonymise_inactive", "portal_invitations_and_claims"} <= set(
        housekeeping_jobs()
    )
    person = _old(JobSeekerFactory(municipality=heusden))
    outcome = app.tasks[entry["task"]].apply().get()
    assert outcome["jobseekers_anonymise_inactive"] == 1
    assert housekeeping_run() == {
        "jobseekers_anonymise_inactive": 0,
        "portal_invitations_and_claims": 0,
        "imports_expire": 0,
    }
    person.refresh_from_db()
    assert person.anonymised_on is not None


def test_an_anonymised_file_takes_no_new_personal_data(heusden, caseworker_heusden):
    from django.core.exceptions import ValidationError

    person = JobSeekerFactory(municipality=heusden)
    services.jobseeker_anonymise(jobseeker=person)
    person.refresh_from_db()
    with pytest.raises(ValidationError):
        services.note_add(jobseeker=person, text="Nieuwe notitie", author=caseworker_heusden)
    with pytest.raises(ValidationError):
        services.jobseeker_update(
            jobseeker=person, user=caseworker_heusden, data={"first_name": "Terug"}
        )
    assert not JobSeekerNote.objects.filter(jobseeker=person).exists()
