"""The placement state machine, proposals, jobs and buddies: what is allowed and what is refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from baanbrekers.models import FollowUp
from jobseekers.models import ConsentKind, JobSeekerStatus
from placements import services
from placements.models import DevelopmentPlacement, PlacementStatus, ProposalAnswer
from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def refused(call, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    return " ".join(info.value.messages)


@pytest.fixture
def user(caseworker_heusden):
    return caseworker_heusden


def test_placement_runs_through_its_allowed_states(user):
    placement = make_placement(user=user, status="proposed")
    jobseeker = placement.jobseeker
    placement = services.placement_confirm_no_displacement(
        placement=placement, note="Extra plek naast vaste ploeg", checked_by=user
    )
    placement = services.placement_agree(placement=placement, agreed_by=user)
    assert placement.status == PlacementStatus.AGREED
    placement = services.placement_start(placement=placement, started_by=user)
    assert placement.status == PlacementStatus.ACTIVE
    jobseeker.refresh_from_db()
    assert jobseeker.status == JobSeekerStatus.IN_PLACEMENT
    assert FollowUp.objects.filter(kind="placement_end", subject_id=str(placement.pk)).exists()
    placement = services.placement_extend(
        placement=placement,
        new_end_date=placement.planned_end_date + datetime.timedelta(days=60),
        extended_by=user,
    )
    assert placement.extension_count == 1
    placement = services.placement_complete(
        placement=placement, outcome="training", completed_by=user
    )
    assert placement.status == PlacementStatus.COMPLETED
    jobseeker.refresh_from_db()
    assert jobseeker.status == JobSeekerStatus.ACTIVE


FORBIDDEN = [
    # (status, transition, words the Dutch message must contain)
    ("proposed", "start", "Alleen een afgesproken ontwikkelplek kan starten; deze is voorgesteld."),
    (
        "proposed",
        "complete",
        "Alleen een lopende ontwikkelplek kan worden afgerond; deze is voorgesteld.",
    ),
    (
        "proposed",
        "extend",
        "Alleen een lopende ontwikkelplek kan worden verlengd; deze is voorgesteld.",
    ),
    (
        "agreed",
        "agree",
        "Alleen een voorgestelde ontwikkelplek kan worden afgesproken; deze is afgesproken.",
    ),
    (
        "agreed",
        "complete",
        "Alleen een lopende ontwikkelplek kan worden afgerond; deze is afgesproken.",
    ),
    (
        "agreed",
        "extend",
        "Alleen een lopende ontwikkelplek kan worden verlengd; deze is afgesproken.",
    ),
    (
        "active",
        "agree",
        "Alleen een voorgestelde ontwikkelplek kan worden afgesproken; deze is lopend.",
    ),
    ("active", "start", "Alleen een afgesproken ontwikkelplek kan starten; deze is lopend."),
    ("completed", "agree", "deze is afgerond."),
    ("completed", "start", "deze is afgerond."),
    ("completed", "complete", "deze is afgerond."),
    ("completed", "extend", "deze is afgerond."),
    ("completed", "end_early", "Deze ontwikkelplek is al afgerond; ze kan niet nog eens eindigen."),
    ("ended_early", "agree", "deze is voortijdig beëindigd."),
    ("ended_early", "start", "deze is voortijdig beëindigd."),
    ("ended_early", "complete", "deze is voortijdig beëindigd."),
    ("ended_early", "extend", "deze is voortijdig beëindigd."),
    ("ended_early", "end_early", "al voortijdig beëindigd"),
]


def _transition(name, placement, user):
    calls = {
        "agree": lambda: services.placement_agree(placement=placement, agreed_by=user),
        "start": lambda: services.placement_start(placement=placement, started_by=user),
        "complete": lambda: services.placement_complete(
            placement=placement, outcome="none", completed_by=user
        ),
        "extend": lambda: services.placement_extend(
            placement=placement,
            new_end_date=placement.planned_end_date + datetime.timedelta(days=30),
            extended_by=user,
        ),
        "end_early": lambda: services.placement_end_early(
            placement=placement, reason="Gestopt", ended_by=user
        ),
    }
    return calls[name]()


@pytest.mark.parametrize(("status", "transition", "message"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_with_a_clear_message(
    user, status, transition, message
):
    placement = make_placement(user=user, status=status)
    with pytest.raises(ValidationError) as info:
        _transition(transition, placement, user)
    assert message in " ".join(info.value.messages)
    placement.refresh_from_db()
    assert placement.status == status


def test_agreeing_needs_the_no_displacement_check(user):
    placement = make_placement(user=user, status="proposed")
    message = refused(services.placement_agree, placement=placement, agreed_by=user)
    assert "geen reguliere baan" in message
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentPlacement.objects.filter(pk=placement.pk).update(status="agreed")


def test_starting_needs_insurance(user):
    placement = make_placement(user=user, status="agreed", insurance_arranged=False)
    assert "verzekering" in refused(services.placement_start, placement=placement, started_by=user)


def test_a_placement_is_extended_once_at_most(user):
    placement = make_placement(user=user, status="active")
    services.placement_extend(
        placement=placement,
        new_end_date=placement.planned_end_date + datetime.timedelta(days=30),
        extended_by=user,
    )
    message = refused(
        services.placement_extend,
        placement=placement,
        new_end_date=placement.planned_end_date + datetime.timedelta(days=60),
        extended_by=user,
    )
    assert "al het maximale aantal keren verlengd (1)" in message


def test_the_number_of_extensions_is_a_setting_not_a_database_rule(user, settings):
    settings.PLACEMENT_MAX_EXTENSIONS = 2
    placement = make_placement(user=user, status="active")
    for days in (30, 60):
        placement = services.placement_extend(
            placement=placement,
            new_end_date=placement.start_date + datetime.timedelta(days=100 + days),
            extended_by=user,
        )
    assert placement.extension_count == 2
    assert "(2)" in refused(
        services.placement_extend,
        placement=placement,
        new_end_date=placement.planned_end_date + datetime.timedelta(days=10),
        extended_by=user,
    )


def test_placement_length_limits_are_settings(user, settings):
    settings.PLACEMENT_MIN_MONTHS = 1
    settings.PLACEMENT_DEFAULT_MONTHS = 2
    kwargs = dict(
        jobseeker=JobSeekerFactory(consenting=True),
        employer=OpeningFactory().employer,
        start_date=TODAY,
        hours_per_week=24,
        learning_goals="Leren",
        created_by=user,
    )
    short = services.placement_create(
        planned_end_date=services.add_months(TODAY, 1) + datetime.timedelta(days=1), **kwargs
    )
    assert short.pk
    default = services.placement_create(**kwargs)
    assert default.planned_end_date == services.add_months(TODAY, 2)


def test_duration_limits_are_enforced(user, settings):
    shortest, longest = settings.PLACEMENT_MIN_MONTHS, settings.PLACEMENT_MAX_MONTHS
    opening = OpeningFactory()
    kwargs = dict(
        jobseeker=JobSeekerFactory(consenting=True),
        employer=opening.employer,
        start_date=TODAY,
        hours_per_week=20,
        learning_goals="Leren",
        created_by=user,
    )
    too_long = refused(
        services.placement_create,
        planned_end_date=services.add_months(TODAY, longest) + datetime.timedelta(days=1),
        **kwargs,
    )
    assert f"hoogstens {longest} maanden" in too_long
    too_short = refused(
        services.placement_create,
        planned_end_date=services.add_months(TODAY, shortest) - datetime.timedelta(days=1),
        **kwargs,
    )
    assert f"minstens {shortest} maanden" in too_short
    placement = services.placement_create(**kwargs)
    assert placement.planned_end_date == services.add_months(
        TODAY, settings.PLACEMENT_DEFAULT_MONTHS
    )


def test_one_active_placement_per_jobseeker(user):
    first = make_placement(user=user, status="active")
    second = make_placement(user=user, jobseeker=first.jobseeker, status="agreed")
    message = refused(services.placement_start, placement=second, started_by=user)
    assert "heeft al een lopende ontwikkelplek" in message
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentPlacement.objects.filter(pk=second.pk).update(status="active")


def test_an_opening_is_not_filled_beyond_its_places(user):
    opening = OpeningFactory(places=1)
    make_placement(user=user, opening=opening, status="agreed")
    other = make_placement(user=user, opening=opening, status="proposed")
    services.placement_confirm_no_displacement(placement=other, note="ok", checked_by=user)
    message = refused(services.placement_agree, placement=other, agreed_by=user)
    assert "Alle 1 plaatsen van deze vacature zijn bezet." in message
    opening.refresh_from_db()
    assert opening.status == "filled"


def test_proposal_needs_consent_and_is_made_once(user):
    opening = OpeningFactory()
    without = JobSeekerFactory(consents=[])
    assert "geen geldige toestemming" in refused(
        services.proposal_create, jobseeker=without, opening=opening, proposed_by=user
    )
    person = JobSeekerFactory(consenting=True)
    services.proposal_create(jobseeker=person, opening=opening, proposed_by=user)
    assert "al voorgesteld" in refused(
        services.proposal_create, jobseeker=person, opening=opening, proposed_by=user
    )


def test_refusal_needs_a_reason_and_introduction_needs_interest_and_consent(user):
    person = JobSeekerFactory(consents=[ConsentKind.SHARE_PROFILE])
    proposal = services.proposal_create(
        jobseeker=person, opening=OpeningFactory(), proposed_by=user
    )
    with pytest.raises(ValidationError) as info:
        services.proposal_answer(proposal=proposal, answer="no", reason=" ", answered_by=user)
    assert "reason" in info.value.message_dict
    assert "geïnteresseerd" in refused(
        services.proposal_agree_introduction, proposal=proposal, agreed_by=user
    )
    proposal = services.proposal_answer(
        proposal=proposal, answer=ProposalAnswer.INTERESTED, answered_by=user
    )
    assert "kennismaking" in refused(
        services.proposal_agree_introduction, proposal=proposal, agreed_by=user
    )


def test_a_job_completes_the_active_placement_and_the_jobseeker_works(user):
    placement = make_placement(user=user, status="active")
    job = services.job_outcome_record(
        jobseeker=placement.jobseeker,
        employer=placement.employer,
        placement=placement,
        contract_type="fixed_term",
        hours_per_week=28,
        start_date=TODAY,
        route="placement",
        recorded_by=user,
    )
    placement.refresh_from_db()
    job.jobseeker.refresh_from_db()
    assert placement.status == "completed" and placement.outcome == "paid_job_here"
    assert job.jobseeker.status == JobSeekerStatus.WORKING


def test_buddy_meetings_and_introductions(user):
    person = JobSeekerFactory(consenting=True)
    pairing = services.buddy_pairing_create(
        jobseeker=person, buddy_name="Henk", goals="Netwerk", start_date=TODAY, created_by=user
    )
    assert "voor de start" in refused(
        services.buddy_meeting_record,
        pairing=pairing,
        held_on=TODAY - datetime.timedelta(days=1),
        kind="talk",
    )
    services.buddy_meeting_record(pairing=pairing, held_on=TODAY, kind="walk_along")
    services.introduction_record(
        pairing=pairing,
        introduced_on=TODAY,
        person_name="Mevr. De Vries",
        company_name="Drukkerij De Vries",
        outcome="conversation",
    )
    services.buddy_pairing_end(pairing=pairing, ended_by=user)
    assert "al beëindigd" in refused(services.buddy_pairing_end, pairing=pairing, ended_by=user)
    assert pairing.meetings.count() == 1 and pairing.introductions.count() == 1


def _reminders(placement, status="pending"):
    return sorted(
        FollowUp.objects.filter(
            subject_type="placements.DevelopmentPlacement",
            subject_id=str(placement.pk),
            kind__in=["placement_midterm", "placement_end"],
            status=status,
        ).values_list("kind", "due_on")
    )


def test_extending_a_placement_moves_its_reminders_to_the_new_dates(user, settings):
    placement = make_placement(user=user, status="active")
    old = _reminders(placement)
    assert [kind for kind, _ in old] == ["placement_end", "placement_midterm"]
    placement = services.placement_extend(
        placement=placement,
        new_end_date=placement.planned_end_date + datetime.timedelta(days=30),
        extended_by=user,
    )
    new = _reminders(placement)
    assert len(new) == 2 and not set(new) & set(old)
    assert dict(new)["placement_end"] == placement.planned_end_date - datetime.timedelta(
        days=settings.LEAD_TIMES["placement_ending"]
    )
    assert sorted(_reminders(placement, "cancelled")) == old


def test_an_extension_whose_new_midterm_falls_on_the_old_end_reminder_cancels_that_reminder(
    user,
):
    """Seen on 30 November: a start whose extended mid-term landed on the day of the old end
    reminder kept the old reminder open, so the person got two end reminders."""
    placement = make_placement(user=user, status="active")
    old = dict(_reminders(placement))
    # The new end puts the new mid-term exactly on the old end reminder's day.
    new_end = placement.start_date + 2 * (old["placement_end"] - placement.start_date)
    placement = services.placement_extend(
        placement=placement, new_end_date=new_end, extended_by=user
    )
    assert placement.midpoint == old["placement_end"]
    new = _reminders(placement)
    assert [kind for kind, _ in new] == ["placement_end", "placement_midterm"]
    assert ("placement_end", old["placement_end"]) in _reminders(placement, "cancelled")


@pytest.mark.parametrize("end", ["complete", "end_early"])
def test_a_finished_placement_sends_no_more_reminders(user, end):
    placement = make_placement(user=user, status="active")
    assert len(_reminders(placement)) == 2
    if end == "complete":
        services.placement_complete(placement=placement, outcome="training", completed_by=user)
    else:
        services.placement_end_early(placement=placement, reason="Verhuisd", ended_by=user)
    assert _reminders(placement) == []
    assert len(_reminders(placement, "cancelled")) == 2


# --- The transitions table: one answer for the service, the pages, the API and the portal -----
def test_allowed_actions_follow_status_guard_and_role(user, alderman, employer_contact_a):
    from employers.models import EmployerContact
    from placements.transitions import action_options, allowed_actions

    placement = make_placement(user=user, status="proposed")
    options = {o.action: o for o in action_options(placement, user)}
    assert allowed_actions(placement, user) == {"confirm_no_displacement", "end_early", "edit"}
    assert "geen reguliere baan" in options["agree"].reason  # shown instead of the button

    placement = make_placement(user=user, status="agreed", insurance_arranged=False)
    assert allowed_actions(placement, user) == {"end_early", "checkin", "edit"}
    assert (
        "verzekering"
        in {o.action: o for o in action_options(placement, user)}["start"].reason.lower()
    )

    placement = make_placement(user=user, status="active")
    assert allowed_actions(placement, user) == {
        "extend",
        "complete",
        "end_early",
        "checkin",
        "evaluation",
        "correct",
        "record_job",
    }
    # Aldermen do nothing with a placement; a contact only of their own company, and only records.
    assert allowed_actions(placement, alderman) == set()
    assert allowed_actions(placement, employer_contact_a) == set()
    EmployerContact.objects.create(employer=placement.employer, name="Eva", user=employer_contact_a)
    assert allowed_actions(placement, employer_contact_a) == {"checkin", "evaluation"}


def test_the_service_refuses_who_the_table_does_not_name(user, alderman, employer_contact_a):
    from django.core.exceptions import PermissionDenied

    placement = make_placement(user=user, status="agreed")
    with pytest.raises(PermissionDenied):
        services.placement_start(placement=placement, started_by=alderman)
    with pytest.raises(PermissionDenied):
        services.checkin_record(
            placement=placement, held_on=TODAY, notes="Gaat goed", author=employer_contact_a
        )
    assert DevelopmentPlacement.objects.get(pk=placement.pk).status == PlacementStatus.AGREED


def test_paid_work_question_opens_one_lead_time_before_the_end(user, employer_contact_a, settings):
    from employers.models import EmployerContact
    from placements.transitions import allowed_actions, is_ending_soon

    placement = make_placement(user=user, status="active")
    EmployerContact.objects.create(employer=placement.employer, name="Eva", user=employer_contact_a)
    lead = settings.LEAD_TIMES["placement_ending"]
    placement.planned_end_date = TODAY + datetime.timedelta(days=lead + 1)
    assert not is_ending_soon(placement)
    assert "paid_work_answer" not in allowed_actions(placement, employer_contact_a)
    placement.planned_end_date = TODAY + datetime.timedelta(days=lead)
    assert is_ending_soon(placement)
    assert "paid_work_answer" in allowed_actions(placement, employer_contact_a)
    assert "paid_work_answer" not in allowed_actions(placement, user)  # the employer's question


def test_the_no_displacement_check_is_recorded_once_before_agreeing(user):
    placement = make_placement(user=user, status="proposed")
    services.placement_confirm_no_displacement(placement=placement, note="ok", checked_by=user)
    assert "al vastgelegd" in refused(
        services.placement_confirm_no_displacement, placement=placement, note="x", checked_by=user
    )


# --- The job seeker's status: changed by the jobseekers app, asked "looking for work" ---------
def test_someone_in_a_placement_is_not_looking_for_work_and_is_not_proposed(user):
    placement = make_placement(user=user, status="active")
    person = placement.jobseeker
    person.refresh_from_db()
    assert person.status == JobSeekerStatus.IN_PLACEMENT
    assert not person.is_looking_for_work()
    assert "zoekt op dit moment geen werk" in refused(
        services.proposal_create, jobseeker=person, opening=OpeningFactory(), proposed_by=user
    )


def test_ending_early_sends_the_person_back_to_looking_and_audits_it(user):
    from baanbrekers.models import AuditEvent
    from jobseekers.models import JobSeeker

    placement = make_placement(user=user, status="active")
    services.placement_end_early(placement=placement, reason="Verhuisd", ended_by=user)
    assert JobSeeker.objects.looking_for_work().filter(pk=placement.jobseeker_id).exists()
    events = AuditEvent.objects.filter(
        object_type="jobseekers.JobSeeker", object_id=str(placement.jobseeker_id)
    )
    assert [e.detail["event"] for e in events.order_by("id")] == [
        "placement_started",
        "placement_ended",
    ]


# --- Issue 11: corrections, ending early from any open state, paid work later ----------------
def test_a_proposed_placement_ends_early_before_the_no_displacement_check(user):
    """Was an IntegrityError (a 500 on the page): the database demanded the no-displacement
    check of every placement that ended early, also one that never went ahead."""
    placement = make_placement(user=user, status="proposed")
    assert not placement.no_displacement_confirmed
    services.placement_end_early(placement=placement, reason="Gaat niet door", ended_by=user)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED_EARLY


@pytest.mark.parametrize("status", ["proposed", "agreed", "active"])
def test_ending_early_works_from_every_open_state(user, status):
    placement = make_placement(user=user, status=status)
    services.placement_end_early(placement=placement, reason="Stopt", ended_by=user)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED_EARLY


def test_a_started_placement_without_the_check_still_cannot_end_early_in_the_database(user):
    placement = make_placement(user=user, status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentPlacement.objects.filter(pk=placement.pk).update(
            status="ended_early", no_displacement_confirmed=False
        )


def test_placement_update_before_the_start_may_move_the_end_and_resets_the_original(user):
    placement = make_placement(user=user, status="proposed")
    new_end = placement.planned_end_date + datetime.timedelta(days=14)
    services.placement_update(placement=placement, changed_by=user, planned_end_date=new_end)
    placement.refresh_from_db()
    assert placement.planned_end_date == new_end == placement.original_end_date


def test_placement_update_after_the_start_refuses_the_end_and_needs_a_reason(user):
    placement = make_placement(user=user, status="active")
    assert "begonnen" in refused(
        services.placement_update,
        placement=placement,
        changed_by=user,
        reason="Fout",
        planned_end_date=placement.planned_end_date + datetime.timedelta(days=14),
    )
    assert refused(
        services.placement_update, placement=placement, changed_by=user, hours_per_week=8
    )
    services.placement_update(
        placement=placement, changed_by=user, reason="Typfout", hours_per_week=8
    )
    placement.refresh_from_db()
    assert placement.hours_per_week == 8


def test_placement_update_keeps_the_duration_limits(user, settings):
    placement = make_placement(user=user, status="agreed")
    assert refused(
        services.placement_update,
        placement=placement,
        changed_by=user,
        planned_end_date=placement.start_date + datetime.timedelta(days=10),
    )


def test_a_finished_placement_is_not_corrected(user):
    placement = make_placement(user=user, status="completed")
    assert refused(
        services.placement_update, placement=placement, changed_by=user, hours_per_week=8
    )


def test_a_job_after_a_completed_placement_is_recorded_and_linked(user):
    placement = make_placement(user=user, status="completed")
    job = services.job_outcome_record(
        jobseeker=placement.jobseeker,
        employer=placement.employer,
        placement=placement,
        contract_type="fixed_term",
        hours_per_week=24,
        start_date=TODAY,
        route="placement",
        recorded_by=user,
    )
    assert job.placement == placement
    placement.jobseeker.refresh_from_db()
    assert placement.jobseeker.status == JobSeekerStatus.WORKING
