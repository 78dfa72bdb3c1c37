"""Factories for the placements app's models: development placements, job outcomes and buddy
pairings. Employers, openings and job seekers come from their own apps' factories."""

import datetime

import factory
from django.utils import timezone

from placements import services
from placements.models import BuddyPairing, DevelopmentPlacement, JobOutcome
from tests.employers.factories import EmployerContactFactory, EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory


class PlacementFactory(factory.django.DjangoModelFactory):
    """An active placement written straight to the database, with fixed dates: for tests of
    rules that read state. ``make_placement`` goes through the services instead."""

    class Meta:
        model = DevelopmentPlacement

    jobseeker = factory.SubFactory(JobSeekerFactory)
    employer = factory.SubFactory(EmployerFactory)
    supervisor = factory.SubFactory(
        EmployerContactFactory, employer=factory.SelfAttribute("..employer")
    )
    start_date = datetime.date(2026, 10, 1)
    planned_end_date = datetime.date(2027, 2, 1)
    hours_per_week = 24
    learning_goals = "Op tijd komen, samenwerken"
    insurance_arranged = True
    no_displacement_confirmed = True
    status = "active"


class JobOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobOutcome

    jobseeker = factory.SubFactory(JobSeekerFactory)
    employer = factory.SubFactory(EmployerFactory)
    contract_type = "fixed_term"
    start_date = datetime.date(2026, 6, 1)
    hours_per_week = 32
    route = "visit"


class BuddyPairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuddyPairing

    jobseeker = factory.SubFactory(JobSeekerFactory)
    buddy_name = "Henk de Ondernemer"
    buddy_organisation = "Rotary Waalwijk"
    goals = "Netwerk opbouwen in de techniek"
    start_date = factory.LazyFunction(timezone.localdate)


def make_placement(*, user, jobseeker=None, opening=None, status="proposed", **kwargs):
    """A placement brought to ``status`` through the services, as users would.

    Without an opening, a development placement at a Waalwijk employer; without a job seeker,
    one who consents to sharing a profile and to introductions."""
    opening = opening or OpeningFactory(placement=True, employer__in_waalwijk=True)
    jobseeker = jobseeker or JobSeekerFactory(consenting=True)
    placement = services.placement_create(
        jobseeker=jobseeker,
        employer=opening.employer,
        opening=opening,
        start_date=kwargs.pop("start_date", timezone.localdate()),
        hours_per_week=kwargs.pop("hours_per_week", 24),
        learning_goals=kwargs.pop("learning_goals", "Werken in een team, op tijd komen"),
        insurance_arranged=kwargs.pop("insurance_arranged", True),
        created_by=user,
        **kwargs,
    )
    steps = ["proposed", "agreed", "active"]
    if status in ("agreed", "active", "completed", "ended_early"):
        placement = services.placement_confirm_no_displacement(
            placement=placement, note="Geen vacature verdrongen", checked_by=user
        )
        placement = services.placement_agree(placement=placement, agreed_by=user)
    if status in ("active", "completed"):
        placement = services.placement_start(placement=placement, started_by=user)
    if status == "completed":
        placement = services.placement_complete(
            placement=placement, outcome="training", completed_by=user
        )
    if status == "ended_early":
        placement = services.placement_end_early(placement=placement, reason="Ziek", ended_by=user)
    assert status in steps or status in ("completed", "ended_early")
    return DevelopmentPlacement.objects.get(pk=placement.pk)


def make_file_records(*, user, jobseeker, employer, n=1):
    """``n`` of everything a person's and a company's file show, through the services where
    they have rules: a visit joined with a click, a proposal, a completed placement with a
    check-in, an evaluation and an open reminder, a job with its 6-month check, and a buddy
    pairing with a meeting and an introduction. The person stays looking for work."""
    from baanbrekers.services import followup_schedule
    from placements.models import JobCheck
    from tests.visits.factories import VisitFactory
    from visits.models import Click, VisitSignUp

    today = timezone.localdate()
    for i in range(n):
        visit = VisitFactory(
            employer=employer, starts_at=timezone.now() - datetime.timedelta(i + 1)
        )
        VisitSignUp.objects.create(visit=visit, jobseeker=jobseeker, signed_up_by=user)
        Click.objects.create(visit=visit, jobseeker=jobseeker, note="Klikt met de chef")
        opening = OpeningFactory(employer=employer, title=f"Hulp {i}")
        services.proposal_create(jobseeker=jobseeker, opening=opening, proposed_by=user)
        placement = make_placement(
            user=user,
            jobseeker=jobseeker,
            opening=OpeningFactory(employer=employer, placement=True),
            status="completed",
        )
        services.checkin_record(placement=placement, held_on=today, notes="Gaat goed", author=user)
        services.evaluation_record(
            placement=placement,
            moment="final",
            evaluator="caseworker",
            held_on=today,
            progress="Leert snel",
            recorded_by=user,
        )
        followup_schedule(
            kind="placement_midterm",
            subject=placement,
            due_on=today + datetime.timedelta(days=3),
            params={"employer": str(employer)},
            assignee=user,
        )
        job = JobOutcomeFactory(jobseeker=jobseeker, employer=employer, start_date=today)
        JobCheck.objects.create(
            job=job, months=6, checked_on=today, still_working=True, source="caseworker"
        )
        pairing = BuddyPairingFactory(jobseeker=jobseeker, start_date=today, status="ended")
        services.buddy_meeting_record(pairing=pairing, held_on=today, kind="talk")
        services.introduction_record(
            pairing=pairing,
            introduced_on=today,
            person_name="Piet",
            company_name="Drukkerij Heusden",
            outcome="pending",
        )
