"""Each follow-up rule on hand-made cases: exact due dates, the right person, nothing twice."""

import datetime

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from baanbrekers.followups import (
    RULES_LOCK,
    Rule,
    RulesFailed,
    followup_rules,
    followup_rules_apply,
    followup_schedule,
)
from baanbrekers.models import FollowUp, FollowUpStatus, Role
from employers.followup_rules import KIND_EMPLOYER_NO_CONTACT
from jobseekers.followup_rules import KIND_CONSENT_EXPIRING
from jobseekers.services import CONSENT_FOLLOWUP_KIND
from placements.followup_rules import (
    KIND_BUDDY_CHECKIN,
    KIND_PLACEMENT_END_SOON_SUPERVISOR,
    KIND_PLACEMENT_MIDTERM_SOON,
    KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
)
from placements.models import Evaluation
from stats.followup_rules import KIND_DIGEST
from tests.employers.factories import ContactMomentFactory, EmployerFactory
from tests.jobseekers.factories import ConsentFactory, JobSeekerFactory
from tests.placements.factories import BuddyPairingFactory, JobOutcomeFactory, PlacementFactory
from tests.users import make_user
from tests.visits.factories import VisitFactory
from visits.followup_rules import KIND_VISIT_OPENINGS, KIND_VISIT_REPORT_MISSING
from visits.models import VisitReport, VisitStaff

from .helpers import local, rows

pytestmark = pytest.mark.django_db

D = datetime.date


def apply(now):
    return followup_rules_apply(now=now)


# --- After a visit ---------------------------------------------------------------------------


def test_a_visit_without_report_is_chased_the_next_working_day(caseworker, heusden):
    friday = VisitFactory(starts_at=local(2026, 11, 20, 10), planned_by=caseworker)
    apply(local(2026, 11, 21, 9))  # Saturday: not due yet
    assert rows(KIND_VISIT_REPORT_MISSING) == []

    apply(local(2026, 11, 23, 9))  # Monday
    [followup] = rows(KIND_VISIT_REPORT_MISSING)
    assert followup.due_on == D(2026, 11, 23)
    assert followup.assignee == caseworker
    assert followup.subject_id == str(friday.pk)
    assert "20-11-2026" in followup.body


def test_the_missing_report_reminder_is_cancelled_once_the_report_is_written(caseworker):
    visit = VisitFactory(starts_at=local(2026, 11, 18, 10), planned_by=caseworker)
    apply(local(2026, 11, 19, 9))
    VisitReport.objects.create(visit=visit, learnt="Veel geleerd", written_by=caseworker)
    visit.status = "held"
    visit.save(update_fields=["status"])
    apply(local(2026, 11, 19, 10))
    assert [f.status for f in rows(KIND_VISIT_REPORT_MISSING)] == ["cancelled"]


def test_a_visit_still_going_on_or_cancelled_is_not_chased(caseworker):
    VisitFactory(starts_at=local(2026, 11, 23, 8), duration_minutes=120, planned_by=caseworker)
    VisitFactory(starts_at=local(2026, 11, 18, 10), status="cancelled", planned_by=caseworker)
    apply(local(2026, 11, 23, 9))
    assert rows(KIND_VISIT_REPORT_MISSING) == []


def test_openings_noted_in_a_report_become_a_follow_up_for_its_writer(caseworker):
    visit = VisitFactory(starts_at=local(2026, 11, 20, 10), status="held")
    report = VisitReport.objects.create(
        visit=visit, learnt="Groeit hard", new_openings="Twee lassers", written_by=caseworker
    )
    VisitReport.objects.filter(pk=report.pk).update(created_at=local(2026, 11, 20, 16))
    quiet = VisitFactory(starts_at=local(2026, 11, 20, 13), status="held")
    VisitReport.objects.create(visit=quiet, learnt="Niets nieuws", written_by=caseworker)

    apply(local(2026, 11, 21, 9))
    [followup] = rows(KIND_VISIT_OPENINGS)
    assert followup.due_on == D(2026, 11, 23)  # the next working day after Friday
    assert followup.assignee == caseworker
    assert followup.body == "Twee lassers"
    assert visit.employer.trade_name in followup.title


def test_the_visit_reports_own_follow_ups_are_not_duplicated(caseworker):
    """Thank-you, clicks and actions come from visits.services; the rules add none of those."""
    visit = VisitFactory(starts_at=local(2026, 11, 20, 10), status="held")
    VisitReport.objects.create(visit=visit, learnt="Mooi bedrijf", written_by=caseworker)
    apply(local(2026, 11, 23, 9))
    assert rows() == []


# --- Placements ------------------------------------------------------------------------------


@pytest.fixture
def placement(caseworker):
    # 1 October to 1 February: 123 days, so the midpoint is 1 December.
    return PlacementFactory(
        caseworker=caseworker,
        start_date=D(2026, 10, 1),
        planned_end_date=D(2027, 2, 1),
        started_on=D(2026, 10, 1),
    )


def test_before_the_midterm_and_the_end_caseworker_and_supervisor_hear(placement, caseworker):
    """LEAD_TIMES: 14 days before the mid-term evaluation, 30 before the planned end."""
    apply(local(2026, 11, 10, 9))
    [midterm] = rows(KIND_PLACEMENT_MIDTERM_SOON)
    assert midterm.due_on == D(2026, 11, 17)
    assert midterm.assignee == caseworker and midterm.recipient_email == ""
    assert "01-12-2026" in midterm.title
    [supervisor_midterm] = rows(KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR)
    assert supervisor_midterm.due_on == D(2026, 11, 17)
    assert supervisor_midterm.assignee is None
    assert supervisor_midterm.recipient_email == placement.supervisor.email
    [supervisor_end] = rows(KIND_PLACEMENT_END_SOON_SUPERVISOR)
    assert supervisor_end.due_on == D(2027, 1, 2)  # 30 days before 1 February
    assert supervisor_end.recipient_email == placement.supervisor.email
    assert "01-02-2027" in supervisor_end.title
    # The job seeker is named by first name and initial only: this travels by email.
    assert placement.jobseeker.last_name not in supervisor_end.title


def test_an_extended_placement_moves_its_reminders(placement):
    apply(local(2026, 11, 10, 9))
    placement.planned_end_date = D(2027, 3, 1)  # midpoint now 15 December
    placement.save(update_fields=["planned_end_date"])
    apply(local(2026, 11, 10, 10))
    pending = {(f.kind, f.due_on) for f in rows(status=FollowUpStatus.PENDING)}
    assert pending == {
        (KIND_PLACEMENT_MIDTERM_SOON, D(2026, 12, 1)),
        (KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR, D(2026, 12, 1)),
        (KIND_PLACEMENT_END_SOON_SUPERVISOR, D(2027, 1, 30)),
    }
    assert len(rows(status=FollowUpStatus.CANCELLED)) == 3


def test_an_ended_placement_or_a_held_evaluation_needs_no_reminder(placement, caseworker):
    Evaluation.objects.create(
        placement=placement,
        moment="midterm",
        evaluator="caseworker",
        held_on=D(2026, 11, 9),
        progress="Goed",
    )
    apply(local(2026, 11, 10, 9))
    assert rows(KIND_PLACEMENT_MIDTERM_SOON) == []
    assert len(rows(KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR)) == 1

    placement.status = "ended_early"
    placement.save(update_fields=["status"])
    apply(local(2026, 11, 10, 10))
    assert rows(status=FollowUpStatus.PENDING) == []


def test_a_supervisor_without_email_gets_no_mail_and_past_moments_none(caseworker):
    placement = PlacementFactory(
        caseworker=caseworker, start_date=D(2026, 6, 1), planned_end_date=D(2026, 12, 1)
    )
    placement.supervisor.email = ""
    placement.supervisor.save(update_fields=["email"])
    apply(local(2026, 11, 20, 9))  # midpoint (31 August) long past, end ahead
    assert rows() == []


# --- Buddies ---------------------------------------------------------------------------------


def test_buddy_check_ins_are_monthly_on_the_start_day_or_the_months_last_day(caseworker):
    pairing = BuddyPairingFactory(start_date=D(2026, 1, 31), caseworker=caseworker)
    apply(local(2026, 2, 27, 9))
    assert rows(KIND_BUDDY_CHECKIN) == []
    apply(local(2026, 3, 1, 9))
    apply(local(2026, 3, 31, 9))
    checkins = rows(KIND_BUDDY_CHECKIN)
    assert [f.due_on for f in checkins] == [D(2026, 2, 28), D(2026, 3, 31)]
    assert {f.assignee for f in checkins} == {caseworker}
    assert pairing.buddy_name in checkins[0].title


def test_an_ended_buddy_pair_gets_no_check_in(caseworker):
    BuddyPairingFactory(start_date=D(2026, 1, 10), caseworker=caseworker, status="ended")
    apply(local(2026, 3, 12, 9))
    assert rows(KIND_BUDDY_CHECKIN) == []


# --- Employers -------------------------------------------------------------------------------


def test_an_employer_without_contact_for_90_days_is_flagged_to_its_owner(caseworker):
    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=local(2026, 5, 1, 10))
    ContactMomentFactory(employer=employer, happened_at=local(2026, 8, 1, 10))
    apply(local(2026, 10, 29, 23, 59))
    assert rows(KIND_EMPLOYER_NO_CONTACT) == []
    with translation.override("en"):
        apply(local(2026, 10, 30, 0, 1))
    [followup] = rows(KIND_EMPLOYER_NO_CONTACT)
    assert followup.due_on == D(2026, 10, 30)  # 1 August + 90 days
    assert followup.assignee == caseworker
    # Stored as kind and parameters; shown in the reader's language, whatever language the
    # worker ran in.
    assert followup.params["employer"] == employer.trade_name
    with translation.override("nl"):
        assert followup.title == f"Al 90 dagen geen contact met {employer.trade_name}"
        assert followup.body == "Het laatste contactmoment was op 01-08-2026."
    with translation.override("en"):
        assert followup.title == f"No contact with {employer.trade_name} for 90 days"
        assert followup.body == "The last contact moment was on 01-08-2026."


def test_a_new_contact_cancels_the_reminder_and_sets_the_next_date(caseworker):
    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=local(2026, 8, 1, 10))
    apply(local(2026, 10, 30, 9))
    ContactMomentFactory(employer=employer, happened_at=local(2026, 10, 30, 11))
    apply(local(2026, 10, 30, 12))
    assert [f.status for f in rows(KIND_EMPLOYER_NO_CONTACT)] == ["cancelled"]
    apply(local(2027, 1, 28, 9))
    assert rows(KIND_EMPLOYER_NO_CONTACT, status="pending")[0].due_on == D(2027, 1, 28)


def test_an_employer_never_contacted_counts_from_when_it_was_added_and_dormant_ones_not():
    employer = EmployerFactory()
    type(employer).objects.filter(pk=employer.pk).update(created_at=local(2026, 7, 1, 15))
    dormant = EmployerFactory(status="dormant")
    type(dormant).objects.filter(pk=dormant.pk).update(created_at=local(2026, 1, 1, 15))
    apply(local(2026, 9, 29, 9))
    [followup] = rows(KIND_EMPLOYER_NO_CONTACT)
    assert followup.subject_id == str(employer.pk)
    assert followup.due_on == D(2026, 9, 29)


# --- Consents --------------------------------------------------------------------------------


def test_a_consent_expiring_within_a_month_reminds_the_caseworker(caseworker):
    person = JobSeekerFactory(caseworker=caseworker)
    expiring = ConsentFactory(jobseeker=person, given_on=D(2026, 1, 1), valid_until=D(2026, 12, 15))
    ConsentFactory(
        jobseeker=person, kind="join_visits", given_on=D(2026, 1, 1), valid_until=D(2027, 1, 15)
    )
    apply(local(2026, 11, 20, 9))
    [followup] = rows(KIND_CONSENT_EXPIRING)
    assert followup.subject_id == str(expiring.pk)
    assert followup.due_on == D(2026, 11, 15)  # a month before 15 December
    assert followup.assignee == caseworker
    assert person.last_name not in followup.title + followup.body


def test_renewed_withdrawn_or_already_reminded_consents_get_no_second_reminder(caseworker):
    person = JobSeekerFactory(caseworker=caseworker)
    ConsentFactory(jobseeker=person, given_on=D(2026, 1, 1), valid_until=D(2026, 12, 15))
    ConsentFactory(jobseeker=person, given_on=D(2026, 11, 1), valid_until=D(2027, 11, 1))
    ConsentFactory(
        jobseeker=person,
        kind="join_visits",
        given_on=D(2026, 1, 1),
        valid_until=D(2026, 12, 10),
        withdrawn_on=D(2026, 6, 1),
    )
    reminded = ConsentFactory(
        jobseeker=person, kind="introduction", given_on=D(2026, 1, 1), valid_until=D(2026, 12, 1)
    )
    followup_schedule(kind=CONSENT_FOLLOWUP_KIND, subject=reminded, due_on=D(2026, 11, 17))
    apply(local(2026, 11, 20, 9))
    assert rows(KIND_CONSENT_EXPIRING) == []


# --- Lasting work ----------------------------------------------------------------------------


def test_jobs_are_checked_six_and_twelve_months_after_the_start(caseworker):
    six = JobOutcomeFactory(
        start_date=D(2026, 5, 20), jobseeker=JobSeekerFactory(caseworker=caseworker)
    )
    twelve = JobOutcomeFactory(start_date=D(2025, 11, 20))
    JobOutcomeFactory(start_date=D(2024, 1, 1))  # long ago: no catching up years later
    apply(local(2026, 11, 19, 9))
    assert rows() == []
    apply(local(2026, 11, 20, 9))
    found = {(f.kind, f.subject_id, f.due_on) for f in rows()}
    assert found == {
        ("job.still_working_6m", str(six.pk), D(2026, 11, 20)),
        ("job.still_working_12m", str(twelve.pk), D(2026, 11, 20)),
    }
    assert rows("job.still_working_6m")[0].assignee == caseworker


# --- Digest ----------------------------------------------------------------------------------


def test_each_active_alderman_gets_one_digest_due_on_monday(alderman, heusden):
    make_user("ex@heusden.example.org", Role.ALDERMAN, [heusden], is_active=False)
    apply(local(2026, 11, 23, 6, 59))  # Monday before seven: last week's
    apply(local(2026, 11, 23, 7, 0))
    apply(local(2026, 11, 27, 7, 0))
    digests = rows(KIND_DIGEST)
    assert [(f.due_on, f.recipient_email) for f in digests] == [
        (D(2026, 11, 16), alderman.email),
        (D(2026, 11, 23), alderman.email),
    ]
    # Last week's digest, never sent, is no longer wanted: no stale digest on Monday.
    assert digests[0].status == FollowUpStatus.CANCELLED
    assert digests[1].subject_id == str(alderman.pk) and digests[1].assignee is None
    assert digests[1].municipality == heusden


# --- All rules together ----------------------------------------------------------------------


def test_applying_the_rules_again_changes_nothing(caseworker, alderman, placement):
    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=local(2026, 8, 1, 10))
    BuddyPairingFactory(start_date=D(2026, 10, 3), caseworker=caseworker)
    VisitFactory(starts_at=local(2026, 11, 2, 10), planned_by=caseworker)
    first = apply(local(2026, 11, 10, 9))
    assert sum(o.created for o in first.values()) == 7
    before = list(FollowUp.objects.order_by("id").values())
    for hour in (9, 10, 11):
        again = apply(local(2026, 11, 10, hour))
        assert all(o == type(o)() for o in again.values()), again
    assert list(FollowUp.objects.order_by("id").values()) == before


def test_a_second_run_while_one_is_busy_does_nothing():
    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [RULES_LOCK])
        assert apply(local(2026, 11, 10, 9)) is None
        other.execute("SELECT pg_advisory_unlock(%s)", [RULES_LOCK])
        assert apply(local(2026, 11, 10, 9)) is not None
    finally:
        other.close()


def test_a_broken_rule_does_not_stop_the_others(caseworker):
    def broken(now):
        raise RuntimeError("kapot")

    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=local(2026, 1, 1, 10))
    only = (Rule("broken", lambda: ("x.broken",), broken),) + tuple(
        r for r in followup_rules() if r.name == "employers_without_contact"
    )
    with pytest.raises(RulesFailed, match="broken"):
        followup_rules_apply(now=local(2026, 11, 10, 9), rules=only)
    assert len(rows(KIND_EMPLOYER_NO_CONTACT)) == 1


def test_a_visit_staff_alderman_is_not_confused_with_the_planner(caseworker, alderman):
    """The report reminder goes to whoever planned the visit, not to the alderman who joins."""
    visit = VisitFactory(starts_at=local(2026, 11, 18, 10), planned_by=caseworker)
    VisitStaff.objects.create(visit=visit, user=alderman)
    apply(local(2026, 11, 19, 9))
    assert [f.assignee for f in rows(KIND_VISIT_REPORT_MISSING)] == [caseworker]


def make_world(numbers, caseworker, alderman_municipality):
    """Records of every kind the rules look at, all wanting a follow-up by 10 November."""
    for i in numbers:
        employer = EmployerFactory(relationship_owner=caseworker)
        ContactMomentFactory(employer=employer, happened_at=local(2026, 8, 1, 10))
        person = JobSeekerFactory(caseworker=caseworker)
        PlacementFactory(jobseeker=person, caseworker=caseworker)
        BuddyPairingFactory(jobseeker=person, start_date=D(2026, 10, 3), caseworker=caseworker)
        ConsentFactory(jobseeker=person, valid_until=D(2026, 12, 1))
        JobOutcomeFactory(jobseeker=person, start_date=D(2026, 5, 10))
        VisitFactory(starts_at=local(2026, 11, 2, 10), planned_by=caseworker)
        visit = VisitFactory(starts_at=local(2026, 11, 3, 10), status="held")
        report = VisitReport.objects.create(
            visit=visit, learnt="Groeit", new_openings="Een monteur", written_by=caseworker
        )
        VisitReport.objects.filter(pk=report.pk).update(created_at=local(2026, 11, 3, 16))
        make_user(f"wethouder{i}@example.org", Role.ALDERMAN, [alderman_municipality])


def test_the_hourly_rerun_takes_the_same_number_of_queries_however_many_records(
    caseworker, heusden
):
    counts = []
    for numbers in (range(2), range(2, 8)):
        make_world(numbers, caseworker, heusden)
        now = local(2026, 11, 10, 9)
        apply(now)  # makes the rows
        with CaptureQueriesContext(connection) as queries:
            outcomes = apply(now)  # the hourly rerun
        assert all(o.created == 0 for o in outcomes.values())
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_demo_seed_applies_the_rules_once(caseworker, settings):
    from baanbrekers.demo import DemoContext
    from baanbrekers.demo import seed_followups as seed

    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=local(2020, 1, 1, 10))
    ctx = DemoContext(password="x")
    seed(ctx)
    seed(ctx)
    assert len(rows(KIND_EMPLOYER_NO_CONTACT)) == 1
    assert ctx.log == ["Follow-up rules: 1 new follow-ups.", "Follow-up rules: 0 new follow-ups."]
