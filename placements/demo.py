"""A believable pipeline on top of the demo employers and job seekers (see baanbrekers/demo.py).

Proposals come from the real matching (the top candidates of the first placement and vacancy
openings), so the match lists and the board tell the same story. Some placements are running
(one ends within two weeks), some were agreed or proposed, two became paid jobs, one ended early;
buddy pairs have meetings and introductions.

Idempotent: the pipeline is built once, by the demo coordinator; a later run sees their
placements and adds nothing (rebuilding would pick other people once statuses changed).
Robust: without employers, openings or job seekers it logs and returns.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from baanbrekers.demo import DemoContext
from baanbrekers.models import Role
from employers.models import Opening, OpeningKind, OpeningStatus
from jobseekers.models import JobSeeker
from jobseekers.services import jobseeker_found_work, jobseeker_placement_started
from matching.ranking import rank_jobseekers_for_opening
from visits.selectors import clicked_with

from .models import (
    BuddyMeeting,
    BuddyPairing,
    DevelopmentPlacement,
    Introduction,
    JobOutcome,
    PlacementOutcome,
    PlacementStatus,
    Proposal,
    ProposalAnswer,
)
from .services import add_months

OPENINGS_TO_MATCH = 10
BUDDIES = [
    ("Henk van Gils", "Rotary Langstraat", "henk.vangils@demo.example.org"),
    ("Marieke Kuijpers", "Ondernemersvereniging Waalwijk", "marieke@demo.example.org"),
    ("Jan de Bruijn", "Gemeenteraad Heusden (oud-wethouder)", ""),
    ("Fatima El Idrissi", "Kuijpers Installatietechniek", "fatima@demo.example.org"),
]
INTRODUCTIONS = [
    ("Peter Verhoeven", "Drukkerij Verhoeven", "conversation"),
    ("Sandra Mol", "Transportbedrijf Mol", "visit"),
    ("Kees Schellekens", "Schellekens Tuin & Groen", "placement"),
    ("Ilse van Dongen", "Bakkerij Van Dongen", "job"),
    ("Ruud Smits", "Autobedrijf Smits", "nothing"),
]


def seed(ctx: DemoContext) -> None:
    coordinator = ctx.users.get(Role.COORDINATOR)
    if coordinator is None:
        ctx.log.append("Placements: no coordinator, nothing to seed.")
        return
    if DevelopmentPlacement.objects.filter(created_by=coordinator).exists():
        ctx.log.append("Placements: demo pipeline already present.")
        return
    openings = [
        o
        for o in (ctx.extra.get("openings") or Opening.objects.order_by("pk"))
        if o.status == OpeningStatus.OPEN and o.kind in (OpeningKind.PLACEMENT, OpeningKind.VACANCY)
    ][:OPENINGS_TO_MATCH]
    if not openings or not JobSeeker.objects.exists():
        ctx.log.append("Placements: no openings or job seekers yet, nothing to seed.")
        return
    with transaction.atomic():
        _seed(ctx, coordinator, openings)


def _seed(ctx, coordinator, openings) -> None:
    rng = random.Random(2026)
    today = timezone.localdate()
    now = timezone.now()
    taken: set[int] = set()
    proposals: list[Proposal] = []
    for opening in openings:
        opening = Opening.objects.select_related("employer").get(pk=opening.pk)
        clicked = clicked_with(opening.employer)
        for match in rank_jobseekers_for_opening(opening, clicked=clicked, limit=4)[:2]:
            person = match.jobseeker
            if person.pk in taken:
                continue
            taken.add(person.pk)
            proposals.append(
                Proposal(
                    jobseeker=person,
                    opening=opening,
                    proposed_by=coordinator,
                    match_score=match.score,
                    motivation=match.explanation,
                )
            )
    Proposal.objects.bulk_create(proposals, ignore_conflicts=True)
    proposals = list(
        Proposal.objects.filter(proposed_by=coordinator, opening__in=openings)
        .select_related("jobseeker", "opening", "opening__employer")
        .order_by("pk")
    )
    # Answers: most interested (they feed placements), some 'not now' or 'no', some pending.
    answers = [ProposalAnswer.INTERESTED] * 9 + [ProposalAnswer.NOT_NOW, ProposalAnswer.NO]
    reasons = {
        ProposalAnswer.NOT_NOW: "Eerst de drukte van het seizoen door; in het voorjaar graag.",
        ProposalAnswer.NO: "Zoekt iemand met een rijbewijs; dat heeft deze kandidaat niet.",
    }
    interested = []
    for index, proposal in enumerate(proposals):
        if index % 5 == 4:
            continue  # pending
        answer = answers[index % len(answers)]
        proposal.answer = answer
        proposal.answer_reason = reasons.get(answer, "")
        proposal.answered_at = now - datetime.timedelta(days=rng.randint(5, 60))
        proposal.answered_by = coordinator
        proposal.introduction_agreed = answer == ProposalAnswer.INTERESTED
        proposal.introduction_agreed_at = (
            proposal.answered_at if proposal.introduction_agreed else None
        )
        proposal.save()
        if answer == ProposalAnswer.INTERESTED:
            interested.append(proposal)

    # Placements from interested employers, in every stage of the pipeline.
    plans = [
        # status, started weeks ago, outcome
        (PlacementStatus.ACTIVE, 11, ""),  # ends within two weeks
        (PlacementStatus.ACTIVE, 6, ""),
        (PlacementStatus.ACTIVE, 2, ""),
        (PlacementStatus.COMPLETED, 20, PlacementOutcome.PAID_JOB_HERE),
        (PlacementStatus.COMPLETED, 26, PlacementOutcome.PAID_JOB_HERE),
        (PlacementStatus.ENDED_EARLY, 9, PlacementOutcome.NONE),
        (PlacementStatus.AGREED, -2, ""),
        (PlacementStatus.PROPOSED, -4, ""),
    ]
    used_openings: set[int] = set()
    for proposal, (status, weeks_ago, outcome) in zip(interested, plans, strict=False):
        opening = proposal.opening
        if opening.pk in used_openings and opening.places <= 1:
            continue
        used_openings.add(opening.pk)
        start = today - datetime.timedelta(weeks=weeks_ago)
        placement = DevelopmentPlacement.objects.create(
            jobseeker=proposal.jobseeker,
            employer=opening.employer,
            opening=opening,
            proposal=proposal,
            supervisor=opening.employer.contacts.first(),
            caseworker=proposal.jobseeker.caseworker or coordinator,
            start_date=start,
            planned_end_date=add_months(start, settings.PLACEMENT_DEFAULT_MONTHS),
            original_end_date=add_months(start, settings.PLACEMENT_DEFAULT_MONTHS),
            hours_per_week=opening.hours_per_week or 24,
            learning_goals="Op tijd beginnen, samenwerken in een team, de basis van het vak leren.",
            insurance_arranged=status != PlacementStatus.PROPOSED,
            no_displacement_confirmed=status != PlacementStatus.PROPOSED,
            no_displacement_note="Extra plek naast de vaste ploeg; geen vacature ingevuld."
            if status != PlacementStatus.PROPOSED
            else "",
            no_displacement_checked_by=coordinator if status != PlacementStatus.PROPOSED else None,
            status=status,
            started_on=start
            if status not in (PlacementStatus.PROPOSED, PlacementStatus.AGREED)
            else None,
            ended_on=(
                add_months(start, 3)
                if status == PlacementStatus.COMPLETED
                else start + datetime.timedelta(weeks=5)
                if status == PlacementStatus.ENDED_EARLY
                else None
            ),
            end_reason="Paste toch niet bij het werk; samen een andere richting gekozen."
            if status == PlacementStatus.ENDED_EARLY
            else "",
            outcome=outcome,
            created_by=coordinator,
        )
        person = proposal.jobseeker
        # The person's status is the jobseekers app's to change, also in the demo.
        if status == PlacementStatus.ACTIVE:
            jobseeker_placement_started(jobseeker=person)
        elif outcome == PlacementOutcome.PAID_JOB_HERE:
            jobseeker_found_work(jobseeker=person)
            JobOutcome.objects.create(
                jobseeker=person,
                employer=opening.employer,
                placement=placement,
                contract_type="fixed_term",
                hours_per_week=placement.hours_per_week,
                start_date=placement.ended_on,
                salary_band="up_to_120",
                route="placement",
                recorded_by=coordinator,
            )

    # Buddy pairs for people not in a placement, each with meetings and introductions.
    free = list(
        JobSeeker.objects.looking_for_work().exclude(pk__in=taken).order_by("pk")[: len(BUDDIES)]
    )
    for index, (person, (name, organisation, email)) in enumerate(zip(free, BUDDIES, strict=False)):
        start = today - datetime.timedelta(weeks=4 + 3 * index)
        pairing = BuddyPairing.objects.create(
            jobseeker=person,
            buddy_name=name,
            buddy_organisation=organisation,
            buddy_email=email,
            goals="Netwerk opbouwen, zien hoe het er in bedrijven aan toegaat, zelfvertrouwen.",
            start_date=start,
            caseworker=person.caseworker or coordinator,
        )
        BuddyMeeting.objects.bulk_create(
            [
                BuddyMeeting(pairing=pairing, held_on=start, kind="talk", notes="Kennismaking."),
                BuddyMeeting(
                    pairing=pairing,
                    held_on=start + datetime.timedelta(weeks=2),
                    kind="walk_along",
                    notes="Dag meegelopen in het bedrijf van het maatje.",
                ),
                BuddyMeeting(
                    pairing=pairing,
                    held_on=start + datetime.timedelta(weeks=3),
                    kind="network_event",
                    notes="Samen naar de ondernemersborrel.",
                ),
            ]
        )
        intros = INTRODUCTIONS[index : index + 2 + index % 2]
        Introduction.objects.bulk_create(
            [
                Introduction(
                    pairing=pairing,
                    introduced_on=start + datetime.timedelta(weeks=2 + n),
                    person_name=who,
                    company_name=company,
                    outcome=outcome,
                )
                for n, (who, company, outcome) in enumerate(intros)
            ]
        )
    ctx.log.append(
        f"Placements: {len(proposals)} proposals, "
        f"{DevelopmentPlacement.objects.filter(created_by=coordinator).count()} placements, "
        f"{len(free)} buddy pairs."
    )
