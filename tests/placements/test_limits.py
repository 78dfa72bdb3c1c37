"""The limits table in the pipeline: hours, placement dates and benefit, what was "held", and
evaluations dated within their placement and correctable for a few days."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jobseekers.models import BenefitType
from placements import services
from placements.forms import PlacementForm
from placements.models import BuddyMeeting, DevelopmentPlacement, Evaluation, Evaluator
from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def refused(call, **kwargs) -> dict:
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        call(**kwargs)
    error = exc.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def placement_kwargs(user, **changes):
    opening = OpeningFactory(placement=True, employer__in_waalwijk=True)
    kwargs = {
        "jobseeker": JobSeekerFactory(consenting=True),
        "employer": opening.employer,
        "opening": opening,
        "start_date": TODAY,
        "hours_per_week": 24,
        "learning_goals": "Werken in een team",
        "created_by": user,
    }
    kwargs.update(changes)
    return kwargs


def test_a_placement_starting_in_2025_is_refused(coordinator):
    errors = refused(
        services.placement_create,
        **placement_kwargs(coordinator, start_date=datetime.date(2025, 3, 3)),
    )
    assert "Een nieuwe ontwikkelplek begint op" in errors["start_date"][0]
    assert not DevelopmentPlacement.objects.exists()


def test_benefit_continues_for_a_person_on_benefit(coordinator):
    person = JobSeekerFactory(consenting=True, benefit_type=BenefitType.PARTICIPATIEWET)
    errors = refused(
        services.placement_create,
        **placement_kwargs(coordinator, jobseeker=person, benefit_kept=False),
    )
    assert "Uitkering loopt door" in errors["benefit_kept"][0]
    # Someone without a benefit has none to keep.
    without = JobSeekerFactory(consenting=True, benefit_type=BenefitType.NONE)
    services.placement_create(
        **placement_kwargs(coordinator, jobseeker=without, benefit_kept=False)
    )


def test_placement_hours_follow_the_working_hours_act(coordinator):
    assert services.placement_create(**placement_kwargs(coordinator, hours_per_week=48))
    errors = refused(services.placement_create, **placement_kwargs(coordinator, hours_per_week=61))
    assert errors["hours_per_week"] == ["Vul 1 tot en met 60 uur per week in."]
    form = PlacementForm(
        {"start_date": TODAY, "hours_per_week": "61", "learning_goals": "x"},
        employer=OpeningFactory().employer,
    )
    assert not form.is_valid() and "hours_per_week" in form.errors


def test_a_correction_keeps_to_the_limits(coordinator):
    placement = make_placement(user=coordinator)
    errors = refused(
        services.placement_update, placement=placement, changed_by=coordinator, hours_per_week=70
    )
    assert "hours_per_week" in errors


def test_a_buddy_meeting_in_2027_cannot_be_recorded_as_held(client, coordinator):
    person = JobSeekerFactory(consenting=True)
    pairing = services.buddy_pairing_create(
        jobseeker=person,
        buddy_name="Henk",
        goals="Netwerk",
        start_date=TODAY,
        created_by=coordinator,
    )
    errors = refused(
        services.buddy_meeting_record,
        pairing=pairing,
        held_on=datetime.date(2027, 6, 1),
        kind="talk",
    )
    assert "in de toekomst" in errors["held_on"][0]
    assert not BuddyMeeting.objects.exists()


def test_a_checkin_in_the_future_is_refused_by_the_service(coordinator):
    placement = make_placement(user=coordinator, status="active")
    errors = refused(
        services.checkin_record,
        placement=placement,
        held_on=TODAY + DAY,
        notes="Gaat goed",
        author=coordinator,
    )
    assert "held_on" in errors


# --- Evaluations ----------------------------------------------------------------------------
def evaluate(placement, user, held_on, evaluator=Evaluator.CASEWORKER, **extra):
    return services.evaluation_record(
        placement=placement,
        moment="midterm",
        evaluator=evaluator,
        held_on=held_on,
        progress="Gaat vooruit",
        recorded_by=user,
        **extra,
    )


def test_an_evaluation_is_dated_within_its_placement(coordinator):
    placement = make_placement(user=coordinator, status="active")
    for day in (TODAY - DAY, datetime.date(2020, 1, 1), TODAY + DAY):
        errors = refused(evaluate, placement=placement, user=coordinator, held_on=day)
        assert "held_on" in errors
    assert not Evaluation.objects.exists()
    evaluate(placement, coordinator, TODAY)


def test_an_evaluation_after_the_end_is_refused(coordinator):
    placement = make_placement(user=coordinator, status="active")
    DevelopmentPlacement.objects.filter(pk=placement.pk).update(
        start_date=TODAY - datetime.timedelta(days=100),
        started_on=TODAY - datetime.timedelta(days=100),
        ended_on=TODAY - datetime.timedelta(days=10),
        status="completed",
    )
    placement.refresh_from_db()
    errors = refused(evaluate, placement=placement, user=coordinator, held_on=TODAY)
    assert "toen de ontwikkelplek liep" in errors["held_on"][0]
    evaluate(placement, coordinator, TODAY - datetime.timedelta(days=10))


def test_the_company_files_only_the_supervisors_evaluation(coordinator, employer_contact_a):
    from tests.employers.factories import EmployerContactFactory

    placement = make_placement(user=coordinator, status="active")
    EmployerContactFactory(employer=placement.employer, user=employer_contact_a)
    errors = refused(evaluate, placement=placement, user=employer_contact_a, held_on=TODAY)
    assert "evaluator" in errors
    evaluate(placement, employer_contact_a, TODAY, evaluator=Evaluator.SUPERVISOR)


def test_an_evaluation_is_correctable_for_a_few_days_by_who_filed_it(
    settings, coordinator, employer_contact_a
):
    settings.LEAD_TIMES = {**settings.LEAD_TIMES, "evaluation_correctable": 3}
    placement = make_placement(user=coordinator, status="active")
    evaluation = evaluate(placement, coordinator, TODAY, rating=3)
    services.evaluation_correct(
        evaluation=evaluation,
        corrected_by=coordinator,
        held_on=TODAY,
        progress="Gaat echt vooruit",
        rating=4,
    )
    evaluation.refresh_from_db()
    assert (evaluation.progress, evaluation.rating) == ("Gaat echt vooruit", 4)
    with pytest.raises(PermissionDenied):
        services.evaluation_correct(
            evaluation=evaluation, corrected_by=employer_contact_a, held_on=TODAY, progress="x"
        )
    Evaluation.objects.filter(pk=evaluation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4)
    )
    errors = refused(
        services.evaluation_correct,
        evaluation=evaluation,
        corrected_by=coordinator,
        held_on=TODAY,
        progress="Te laat",
    )
    assert "kon tot en met" in " ".join(errors.get("__all__", []))


def test_the_staff_page_refuses_an_evaluation_before_the_start_next_to_the_field(
    client, coordinator
):
    placement = make_placement(user=coordinator, status="active")
    client.force_login(coordinator)
    response = client.post(
        reverse("placements:placement_action", args=[placement.pk, "evaluation"]),
        {
            "evaluation-moment": "midterm",
            "evaluation-evaluator": "caseworker",
            "evaluation-held_on": (TODAY - datetime.timedelta(days=400)).isoformat(),
            "evaluation-progress": "Laswerk gaat vooruit",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Laswerk gaat vooruit" in html  # what was typed is kept
    assert "toen de ontwikkelplek begon" in html
    assert not Evaluation.objects.exists()
