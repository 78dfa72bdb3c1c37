import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from baanbrekers.models import AuditEvent, FollowUp, FollowUpStatus, Skill
from jobseekers import services
from jobseekers.models import JobSeeker
from tests.jobseekers.factories import JobSeekerFactory, make_bsn

pytestmark = pytest.mark.django_db


def person_data(municipality, **extra):
    return {
        "first_name": "Fatima",
        "last_name": "El Amrani",
        "birth_date": datetime.date(1990, 1, 2),
        "postcode": "5171 AB",
        "municipality": municipality,
        "ladder_step": 2,
        **extra,
    }


def test_bsn_is_not_readable_in_the_raw_column_but_found_by_keyed_hash(caseworker_heusden, heusden):
    person = services.jobseeker_create(
        user=caseworker_heusden, bsn="111222333", data=person_data(heusden)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bsn_encrypted, bsn_hash FROM jobseekers_jobseeker WHERE id = %s", [person.pk]
        )
        encrypted, keyed_hash = cursor.fetchone()
        cursor.execute("SELECT * FROM jobseekers_jobseeker WHERE id = %s", [person.pk])
        whole_row = " ".join(str(v) for v in cursor.fetchone())
    assert "111222333" not in encrypted
    assert "111222333" not in keyed_hash
    assert "111222333" not in whole_row
    assert JobSeeker.objects.with_bsn("111222333").get() == person
    assert person.masked_bsn == "*****2333"


def test_create_records_an_audit_event_without_the_bsn(caseworker_heusden, heusden):
    person = services.jobseeker_create(
        user=caseworker_heusden, bsn="111222333", data=person_data(heusden)
    )
    event = AuditEvent.objects.get(object_type="jobseekers.JobSeeker", object_id=str(person.pk))
    assert event.action == "create"
    assert event.actor == caseworker_heusden
    assert "111222333" not in str(event.detail) + event.object_repr


def test_duplicate_bsn_gives_a_clear_error_that_does_not_say_who(
    caseworker_waalwijk, waalwijk, heusden
):
    JobSeekerFactory(bsn="111222333", municipality=heusden, first_name="Geheim")
    with pytest.raises(ValidationError) as exc:
        services.jobseeker_create(
            user=caseworker_waalwijk, bsn="111222333", data=person_data(waalwijk)
        )
    with translation.override("en"):
        message = " ".join(exc.value.message_dict["bsn"])
    assert "already exists" in message
    assert "Geheim" not in message and "Heusden" not in message
    assert JobSeeker.objects.count() == 1


@pytest.mark.parametrize("bad", ["12345678", "123456789", "abcdefghi", ""])
def test_invalid_bsn_is_refused_and_nothing_is_saved(caseworker_heusden, heusden, bad):
    with pytest.raises(ValidationError) as exc:
        services.jobseeker_create(user=caseworker_heusden, bsn=bad, data=person_data(heusden))
    assert "bsn" in exc.value.message_dict
    assert not JobSeeker.objects.exists()
    assert not AuditEvent.objects.exists()


def test_caseworker_cannot_create_in_another_municipality(caseworker_heusden, waalwijk):
    with pytest.raises(ValidationError) as exc:
        services.jobseeker_create(
            user=caseworker_heusden, bsn=make_bsn(), data=person_data(waalwijk)
        )
    assert "municipality" in exc.value.message_dict
    assert not JobSeeker.objects.exists()


def test_skill_vocabulary_grows_and_ignores_case(caseworker_heusden, heusden):
    # Words outside the base vocabulary, so the test sees the vocabulary grow.
    Skill.objects.create(name="Pottenbakken")
    before = Skill.objects.count()
    person = services.jobseeker_create(
        user=caseworker_heusden,
        bsn=make_bsn(),
        data=person_data(heusden),
        skill_names=["pottenbakken", "  Glasblazen "],
        interest_names=["Boetseren", "POTTENBAKKEN"],
    )
    assert Skill.objects.filter(name__iexact="pottenbakken").count() == 1
    assert sorted(s.name for s in person.skills.all()) == ["Glasblazen", "Pottenbakken"]
    assert sorted(s.name for s in person.interests.all()) == ["Boetseren", "Pottenbakken"]
    other = services.jobseeker_create(
        user=caseworker_heusden,
        bsn=make_bsn(),
        data=person_data(heusden),
        skill_names=["GLASBLAZEN", "Koken"],
    )
    # "Koken" is in the base vocabulary: the person gets that concept, as the vocabulary names it.
    assert sorted(s.name for s in other.skills.all()) == ["Glasblazen", "koken"]
    assert Skill.objects.count() == before + 2


def test_update_names_changed_fields_in_the_audit_log_and_can_change_the_bsn(
    caseworker_heusden, heusden_person
):
    services.jobseeker_update(
        jobseeker=heusden_person,
        user=caseworker_heusden,
        data={"ladder_step": 4, "first_name": "Ricardo"},
        bsn="123456782",
    )
    heusden_person.refresh_from_db()
    assert heusden_person.ladder_step == 4
    assert heusden_person.reveal_bsn() == "123456782"
    event = AuditEvent.objects.filter(action="update").get()
    assert event.detail == {"fields": ["bsn", "ladder_step"]}


def test_update_without_changes_writes_nothing(caseworker_heusden, heusden_person):
    services.jobseeker_update(
        jobseeker=heusden_person,
        user=caseworker_heusden,
        data={"ladder_step": heusden_person.ladder_step},
        skill_names=["Koken"],
    )
    assert not AuditEvent.objects.filter(action="update").exists()


def test_reveal_writes_an_audit_event(caseworker_heusden, heusden_person):
    bsn = services.jobseeker_reveal_bsn(jobseeker=heusden_person, user=caseworker_heusden)
    assert bsn == "111222333"
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == caseworker_heusden
    assert event.object_id == str(heusden_person.pk)
    assert "111222333" not in str(event.detail)


def test_reveal_is_refused_outside_the_users_municipalities(caseworker_waalwijk, heusden_person):
    with pytest.raises(PermissionError):
        services.jobseeker_reveal_bsn(jobseeker=heusden_person, user=caseworker_waalwijk)
    assert not AuditEvent.objects.exists()


def test_bsn_search_is_logged_without_the_bsn_and_stays_in_scope(
    caseworker_heusden, caseworker_waalwijk, heusden_person
):
    assert (
        services.jobseeker_find_by_bsn(user=caseworker_heusden, bsn="111222333") == heusden_person
    )
    assert services.jobseeker_find_by_bsn(user=caseworker_waalwijk, bsn="111222333") is None
    events = list(AuditEvent.objects.filter(action="search").order_by("id"))
    assert [e.detail["found"] for e in events] == [True, False]
    assert all("111222333" not in str(e.detail) + e.object_repr for e in events)


def test_audit_log_refuses_update_and_delete(caseworker_heusden, heusden_person):
    services.jobseeker_reveal_bsn(jobseeker=heusden_person, user=caseworker_heusden)
    for sql in (
        "UPDATE baanbrekers_auditevent SET action = 'view'",
        "DELETE FROM baanbrekers_auditevent",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get().action == "reveal"


def test_consent_give_and_withdraw_schedule_and_cancel_the_reminder(
    caseworker_heusden, heusden_person
):
    today = datetime.date.today()
    consent = services.consent_give(
        jobseeker=heusden_person,
        kind="share_profile",
        given_on=today,
        valid_until=today + datetime.timedelta(days=60),
        user=caseworker_heusden,
    )
    assert heusden_person.consents.valid("share_profile").get() == consent
    reminder = FollowUp.objects.get(subject_id=str(consent.pk))
    # settings.LEAD_TIMES["consent_expiring"] (30) days before the end.
    assert reminder.due_on == today + datetime.timedelta(days=30)
    assert reminder.assignee == heusden_person.caseworker
    assert "Ricardo" not in reminder.title + reminder.body  # reminders may travel by email
    services.consent_withdraw(consent=consent, user=caseworker_heusden)
    assert not heusden_person.consents.valid("share_profile").exists()
    reminder.refresh_from_db()
    assert reminder.status == FollowUpStatus.CANCELLED
    assert [e.detail["change"] for e in AuditEvent.objects.order_by("id")] == [
        "given",
        "withdrawn",
    ]


def test_consent_cannot_end_before_it_starts(caseworker_heusden, heusden_person):
    today = datetime.date.today()
    with pytest.raises(ValidationError):
        services.consent_give(
            jobseeker=heusden_person,
            kind="share_profile",
            given_on=today,
            valid_until=today - datetime.timedelta(days=1),
            user=caseworker_heusden,
        )
    assert not heusden_person.consents.exists()


def test_note_add_refuses_an_empty_note(caseworker_heusden, heusden_person):
    with pytest.raises(ValidationError):
        services.note_add(jobseeker=heusden_person, text="   ", author=caseworker_heusden)
    note = services.note_add(
        jobseeker=heusden_person, text="Belde terug", author=caseworker_heusden
    )
    assert note.author == caseworker_heusden
    assert AuditEvent.objects.get().detail == {"note_id": note.pk}


def test_open_followups_move_with_the_job_seeker_to_the_new_caseworker(
    caseworker_heusden, coordinator, heusden
):
    from tests.followups.helpers import schedule_text

    person = JobSeekerFactory(municipality=heusden, caseworker=caseworker_heusden)
    today = datetime.date.today()
    open_one = schedule_text(
        kind="test.call", subject=person, due_on=today, text="Bellen", assignee=caseworker_heusden
    )
    done_one = schedule_text(
        kind="test.done", subject=person, due_on=today, text="Klaar", assignee=caseworker_heusden
    )
    FollowUp.objects.filter(pk=done_one.pk).update(status=FollowUpStatus.DONE)

    services.jobseeker_update(jobseeker=person, user=coordinator, data={"caseworker": coordinator})

    open_one.refresh_from_db()
    done_one.refresh_from_db()
    assert open_one.assignee == coordinator
    assert done_one.assignee == caseworker_heusden  # history stays as it was


# --- Status and "looking for work" ------------------------------------------------------------
def test_looking_for_work_is_active_and_not_left(heusden):
    from jobseekers.models import JobSeekerStatus

    today = datetime.date.today()
    looking = JobSeekerFactory(municipality=heusden)
    leaving_later = JobSeekerFactory(municipality=heusden, left_on=today + datetime.timedelta(7))
    gone = JobSeekerFactory(municipality=heusden, left_on=today)
    busy = JobSeekerFactory(municipality=heusden, status=JobSeekerStatus.IN_PLACEMENT)
    working = JobSeekerFactory(municipality=heusden, status=JobSeekerStatus.WORKING)
    assert set(JobSeeker.objects.looking_for_work()) == {looking, leaving_later}
    assert [p.is_looking_for_work() for p in (looking, leaving_later, gone, busy, working)] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_status_events_move_only_from_their_own_statuses(caseworker_heusden, heusden):
    from jobseekers.models import JobSeekerStatus

    person = JobSeekerFactory(municipality=heusden)
    services.jobseeker_placement_started(jobseeker=person, changed_by=caseworker_heusden)
    assert person.status == JobSeekerStatus.IN_PLACEMENT
    services.jobseeker_placement_ended(jobseeker=person, found_work=True)
    assert JobSeeker.objects.get(pk=person.pk).status == JobSeekerStatus.WORKING
    # Ending an old placement does not undo work found since.
    services.jobseeker_placement_ended(jobseeker=person, found_work=False)
    assert person.status == JobSeekerStatus.WORKING
    services.jobseeker_leave(jobseeker=person, on=datetime.date(2026, 1, 31))
    person.refresh_from_db()
    assert (person.status, person.left_on) == (JobSeekerStatus.LEFT, datetime.date(2026, 1, 31))
    # A placement starting for someone who left does not bring them back.
    services.jobseeker_placement_started(jobseeker=person)
    assert person.status == JobSeekerStatus.LEFT
    services.jobseeker_back_to_looking(jobseeker=person)
    person.refresh_from_db()
    assert person.left_on is None and person.is_looking_for_work()
    assert AuditEvent.objects.filter(object_id=str(person.pk)).get().detail == {
        "fields": ["status"],
        "event": "placement_started",
    }


# --- Consent: one home for "valid on a day, for a kind" ------------------------------------------
def test_consenting_to_and_has_consent_ask_the_same_rule(heusden):
    from jobseekers.models import ConsentKind

    today = datetime.date.today()
    with_consent = JobSeekerFactory(municipality=heusden, consents=[ConsentKind.JOIN_VISITS])
    without = JobSeekerFactory(municipality=heusden, consents=[ConsentKind.SHARE_PROFILE])
    consent = with_consent.consents.get()
    consent.valid_until = today + datetime.timedelta(days=10)
    consent.save()
    kind = ConsentKind.JOIN_VISITS
    assert list(JobSeeker.objects.consenting_to(kind)) == [with_consent]
    assert with_consent.has_consent(kind) and not without.has_consent(kind)
    # Still valid on a day ten days out, not on the day after.
    later = today + datetime.timedelta(days=10)
    assert with_consent.has_consent(kind, until=later)
    assert not with_consent.has_consent(kind, until=later + datetime.timedelta(days=1))
    assert not JobSeeker.objects.consenting_to(kind, until=later + datetime.timedelta(1)).exists()
    flagged = JobSeeker.objects.with_consent_flag(kind).order_by("pk")
    assert [p.has_valid_consent for p in flagged] == [True, False]
    consent.withdrawn_on = today
    consent.save()
    assert not with_consent.has_consent(kind)
