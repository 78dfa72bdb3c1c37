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

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baanbrekers import disclosure, geo
from baanbrekers.models import Skill
from employers.models import ContactMoment, Employer, Referral
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
    its own doings, not people, and are exact.

    The figures count what happened from ``since`` to ``until`` (both included): by default
    from the company's first activity to today, or one calendar year (``year``)."""

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
    until: datetime.date
    year: int | None
    as_of: datetime.date


STARTED = [PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.ENDED_EARLY]


def _own_tips(employer: Employer) -> QuerySet[Referral]:
    """The company's tips about fellow companies; a tip naming its own KvK is not a tip
    (employers.services.referral_record refuses new ones; older rows are left out here)."""
    tips = Referral.objects.filter(referring_employer=employer)
    return tips.exclude(kvk_number=employer.kvk_number) if employer.kvk_number else tips


def _day(moment: datetime.datetime | datetime.date | None) -> datetime.date | None:
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment)
    return moment


def company_first_activity(employer: Employer) -> datetime.date | None:
    """The day of the company's first activity with the werkbedrijf: the earliest contact
    moment, visit, proposal, development placement, paid job, buddy or tip. None if none yet."""
    candidates = [
        ContactMoment.objects.filter(employer=employer).aggregate(d=Min("happened_at"))["d"],
        Visit.objects.filter(employer=employer)
        .exclude(status=VisitStatus.CANCELLED)
        .aggregate(d=Min("starts_at"))["d"],
        Proposal.objects.filter(opening__employer=employer).aggregate(d=Min("proposed_at"))["d"],
        DevelopmentPlacement.objects.filter(employer=employer).aggregate(d=Min("start_date"))["d"],
        JobOutcome.objects.filter(employer=employer).aggregate(d=Min("start_date"))["d"],
        BuddyPairing.objects.filter(buddy_employer=employer).aggregate(d=Min("start_date"))["d"],
        _own_tips(employer).aggregate(d=Min("created_at"))["d"],
    ]
    days = [day for day in map(_day, candidates) if day is not None]
    return min(days) if days else None


def company_impact_years(employer: Employer) -> list[int]:
    """The calendar years a statement can be asked for: from the first activity to this year,
    latest first."""
    first = company_first_activity(employer)
    this_year = timezone.localdate().year
    return list(range(this_year, (first.year if first else this_year) - 1, -1))


def company_impact(employer: Employer, *, year: int | None = None) -> Impact:
    """How many people this company helped: counts only, never a name, and never exact (an
    employer with one placement would otherwise read a person off their statement).

    Without ``year``: from the first activity (``company_first_activity``) to today. With one:
    that calendar year (up to today for the current year). Each record counts on its own day:
    a visit on the day it was held, a placement or job or buddy on its start, a tip when made."""
    today = timezone.localdate()
    if year is None:
        since = company_first_activity(employer)
        until = today
    else:
        since = datetime.date(year, 1, 1)
        until = min(datetime.date(year, 12, 31), today)

    def within(field: str) -> Q:
        # Local calendar days: a visit on 31 December at 23:30 belongs to that year.
        lookup = f"{field}__date" if field in ("starts_at", "created_at") else field
        condition = Q(**{f"{lookup}__lte": until})
        if since is not None:
            condition &= Q(**{f"{lookup}__gte": since})
        return condition

    visits = Visit.objects.filter(
        within("starts_at"), employer=employer, status=VisitStatus.HELD
    ).aggregate(n=Count("id", distinct=True), people=Count("signups", distinct=True))
    placements = DevelopmentPlacement.objects.filter(
        within("start_date"), employer=employer
    ).aggregate(
        started=Count("id", filter=Q(status__in=STARTED)),
        active=Count("id", filter=Q(status=PlacementStatus.ACTIVE)),
        completed=Count("id", filter=Q(status=PlacementStatus.COMPLETED)),
    )
    jobs = JobOutcome.objects.filter(within("start_date"), employer=employer).aggregate(
        n=Count("id"), after=Count("id", filter=Q(placement__isnull=False))
    )
    tips = (
        _own_tips(employer)
        .filter(within("created_at"))
        .aggregate(n=Count("id"), converted=Count("id", filter=Q(converted_employer__isnull=False)))
    )
    buddies = BuddyPairing.objects.filter(within("start_date"), buddy_employer=employer).count()
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
        buddies=people(buddies),
        tips=tips["n"],
        tips_converted=tips["converted"],
        since=since,
        until=until,
        year=year,
        as_of=today,
    )


def split_visits(visits: QuerySet[Visit]) -> tuple[list[Visit], list[Visit]]:
    """Upcoming (soonest first) and past (latest first) visits."""
    now = timezone.now()
    rows = list(visits.select_related("employer", "host").order_by("starts_at", "id"))
    upcoming = [v for v in rows if v.starts_at >= now and v.status == VisitStatus.PLANNED]
    past = [v for v in reversed(rows) if v not in upcoming]
    return upcoming, past
