"""Reads for the employer portal: the anonymised candidate profile, impact figures and visits.

The anonymised profile is the pipeline's (``placements.selectors.anonymised_profile``, an
allow-list that never touches the BSN, the benefit, the limitations, the birth date or the full
name), plus what the portal adds: the proposal, the distance to the work, the answer. Contact
details are added only when the job seeker agreed to this introduction (the caseworker recorded it
on the proposal) AND the job seeker's consent to introductions is valid today: a withdrawn
consent hides them again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baanbrekers import disclosure, geo
from baanbrekers.models import Skill
from employers.models import Employer, Referral
from jobseekers.models import ConsentKind, JobSeeker
from placements.models import (
    BuddyPairing,
    DevelopmentPlacement,
    JobOutcome,
    PlacementStatus,
    Proposal,
    ProposalAnswer,
)
from placements.selectors import anonymised_profile as pipeline_profile
from visits.models import Visit, VisitStatus


@dataclass(frozen=True)
class ContactDetails:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class CandidateProfile:
    """What an employer may know of a proposed job seeker (DESIGN.md section 4)."""

    proposal_id: int
    display_name: str  # first name and initial of the last name
    opening_title: str
    opening_kind: str
    skills: list[str]
    interests: list[str]
    hours_available: int
    area: str  # the place, never the postcode
    distance_km: int | None
    has_driving_licence: bool
    education_level: str
    dutch_level: str
    motivation: str
    answer: str
    answer_display: str
    answer_reason: str
    proposed_at: datetime.datetime
    contact: ContactDetails | None = field(default=None)

    @property
    def is_pending(self) -> bool:
        return self.answer == ProposalAnswer.PENDING


def candidate_queryset(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Proposals with everything a profile needs, in a fixed number of queries."""
    introduction = JobSeeker.objects.consenting_to(ConsentKind.INTRODUCTION).filter(
        pk=OuterRef("jobseeker_id")
    )
    names = Skill.objects.only("id", "name").order_by("name")
    return (
        proposals.select_related("jobseeker", "opening", "opening__employer")
        .prefetch_related(
            Prefetch("jobseeker__skills", queryset=names),
            Prefetch("jobseeker__interests", queryset=names),
        )
        .annotate(introduction_consent=Exists(introduction))
        .order_by("-proposed_at", "-id")
    )


def anonymised_profile(proposal: Proposal) -> CandidateProfile:
    """The profile of a proposal fetched through ``candidate_queryset``."""
    person = proposal.jobseeker
    opening = proposal.opening
    base = pipeline_profile(person, skills=person.skills.all(), interests=person.interests.all())
    distance = geo.distance_km(person.postcode, opening.work_postcode)
    contact = None
    if proposal.introduction_agreed and getattr(proposal, "introduction_consent", False):
        contact = ContactDetails(
            name=f"{person.first_name} {person.last_name}", email=person.email, phone=person.phone
        )
    return CandidateProfile(
        proposal_id=proposal.pk,
        display_name=base["display_name"],
        opening_title=opening.title,
        opening_kind=opening.get_kind_display(),
        skills=base["skills"],
        interests=base["interests"],
        hours_available=base["hours_available"],
        area=base["area"],
        distance_km=round(distance) if distance is not None else None,
        has_driving_licence=base["has_driving_licence"],
        education_level=base["education_level"],
        dutch_level=base["dutch_level"],
        motivation=proposal.motivation,
        answer=proposal.answer,
        answer_display=proposal.get_answer_display(),
        answer_reason=proposal.answer_reason,
        proposed_at=proposal.proposed_at,
        contact=contact,
    )


# --- Impact -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Impact:
    """A company's impact as the company may see it (DESIGN.md section 4, "their own impact,
    through disclosure control"): every count of people through baanbrekers.disclosure ("< 5",
    or rounded down to a multiple of 5). The visits it hosted and the companies it tipped are
    its own doings, not people, and are exact."""

    employer: Employer
    visits_hosted: int
    jobseekers_at_visits: int | str
    placements_started: int | str
    placements_active: int | str
    placements_completed: int | str
    jobs: int | str
    jobs_after_placement: int | str
    buddies: int | str
    tips: int
    tips_converted: int
    since: datetime.date | None
    as_of: datetime.date


STARTED = [PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY]


def company_impact(employer: Employer) -> Impact:
    """How many people this company helped: counts only, never a name, and never exact (an
    employer with one placement would otherwise read a person off their statement)."""
    visits = Visit.objects.filter(employer=employer, status=VisitStatus.HELD).aggregate(
        n=Count("id", distinct=True), people=Count("signups", distinct=True)
    )
    placements = DevelopmentPlacement.objects.filter(employer=employer).aggregate(
        started=Count("id", filter=Q(status__in=STARTED)),
        active=Count("id", filter=Q(status=PlacementStatus.ACTIVE)),
        completed=Count("id", filter=Q(status=PlacementStatus.COMPLETED)),
    )
    jobs = JobOutcome.objects.filter(employer=employer).aggregate(
        n=Count("id"), after=Count("id", filter=Q(placement__isnull=False))
    )
    tips = Referral.objects.filter(referring_employer=employer).aggregate(
        n=Count("id"), converted=Count("id", filter=Q(converted_employer__isnull=False))
    )
    people = disclosure.count_shown
    return Impact(
        employer=employer,
        visits_hosted=visits["n"],
        jobseekers_at_visits=people(visits["people"]),
        placements_started=people(placements["started"]),
        placements_active=people(placements["active"]),
        placements_completed=people(placements["completed"]),
        jobs=people(jobs["n"]),
        jobs_after_placement=people(jobs["after"]),
        buddies=people(BuddyPairing.objects.filter(buddy_employer=employer).count()),
        tips=tips["n"],
        tips_converted=tips["converted"],
        since=employer.created_at.date() if employer.created_at else None,
        as_of=timezone.localdate(),
    )


def split_visits(visits: QuerySet[Visit]) -> tuple[list[Visit], list[Visit]]:
    """Upcoming (soonest first) and past (latest first) visits."""
    now = timezone.now()
    rows = list(visits.select_related("employer", "host").order_by("starts_at", "id"))
    upcoming = [v for v in rows if v.starts_at >= now and v.status == VisitStatus.PLANNED]
    past = [v for v in reversed(rows) if v not in upcoming]
    return upcoming, past
