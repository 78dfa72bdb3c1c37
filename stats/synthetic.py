"""Synthetic raw data for the roll-up's tests and benchmark: invented firms and people, bulk
inserted, deterministic for a given seed. Never used on real data; not part of the demo."""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from baanbrekers.models import Municipality, Role, User
from employers.models import Employer, Opening
from jobseekers.models import JobSeeker, JobSeekerStatus
from placements.models import (
    BuddyPairing,
    DevelopmentPlacement,
    Introduction,
    JobCheck,
    JobCheckSource,
    JobOutcome,
    JobRoute,
    PlacementStatus,
    Proposal,
)
from placements.services import add_months
from visits.models import Click, Visit, VisitSignUp, VisitStaff, VisitStatus

BATCH = 5000


@dataclass
class Generated:
    employers: int = 0
    jobseekers: int = 0
    visits: int = 0
    rows: int = 0


@contextlib.contextmanager
def _keep_given_timestamps():
    """Let bulk_create store the past moments we give instead of 'now'."""
    fields = [Proposal._meta.get_field("proposed_at"), JobSeeker._meta.get_field("created_at")]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def generate(
    *,
    municipalities: list[Municipality],
    start: datetime.date,
    days: int,
    jobseekers_per_municipality: int = 40,
    employers_per_municipality: int = 6,
    seed: int = 7,
    tag: str = "s",
) -> Generated:
    """Employers, job seekers and their whole pipeline spread over ``days`` days from ``start``."""
    rng = random.Random(seed)
    out = Generated()
    alderman, _ = User.objects.get_or_create(
        email=f"synthetic-alderman-{tag}@example.org", defaults={"role": Role.ALDERMAN}
    )
    caseworker, _ = User.objects.get_or_create(
        email=f"synthetic-caseworker-{tag}@example.org", defaults={"role": Role.CASEWORKER}
    )

    def some_day() -> datetime.date:
        return start + datetime.timedelta(days=rng.randrange(days))

    employers = [
        Employer(
            kvk_number=f"{(seed * 7919 + i) % 100_000_000:08d}",
            trade_name=f"Synthetisch bedrijf {tag}{i}",
            postcode="5141 AA",
            municipality=municipalities[i % len(municipalities)],
            status="active",
        )
        for i in range(employers_per_municipality * len(municipalities))
    ]
    Employer.objects.bulk_create(employers, batch_size=BATCH)
    openings = Opening.objects.bulk_create(
        [
            Opening(employer=e, kind="vacancy", title="Medewerker", hours_per_week=24)
            for e in employers
        ],
        batch_size=BATCH,
    )
    visits = []
    for employer in employers:
        for _ in range(rng.randint(1, 8)):
            status = rng.choices(
                [VisitStatus.HELD, VisitStatus.PLANNED, VisitStatus.CANCELLED], [7, 2, 1]
            )[0]
            visits.append(
                Visit(
                    employer=employer,
                    starts_at=_aware(some_day(), rng.choice([0, 9, 14, 23])),
                    purpose="Kennismaken",
                    status=status,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    VisitStaff.objects.bulk_create(
        [VisitStaff(visit=v, user=alderman) for v in visits if rng.random() < 0.4]
        + [VisitStaff(visit=v, user=caseworker) for v in visits if rng.random() < 0.8],
        batch_size=BATCH,
    )

    benefit_types = ["pw", "pw", "pw", "ww", "ioaw", "none"]
    statuses = [JobSeekerStatus.ACTIVE, JobSeekerStatus.WORKING, JobSeekerStatus.LEFT]
    people = []
    n_people = jobseekers_per_municipality * len(municipalities)
    for i in range(n_people):
        people.append(
            JobSeeker(
                first_name="Synthetisch",
                last_name=f"Persoon {tag}{i}",
                bsn_encrypted="synthetic",
                bsn_hash=f"synthetic-{tag}-{i}",
                birth_date=datetime.date(1980, 1, 1),
                postcode="5141 AA",
                municipality=municipalities[i % len(municipalities)],
                benefit_type=rng.choice(benefit_types),
                status=rng.choice(statuses),
                created_at=_aware(some_day(), 10),
            )
        )
    with _keep_given_timestamps():
        JobSeeker.objects.bulk_create(people, batch_size=BATCH)

    signups, clicks, proposals, placements, jobs, pairings = [], [], [], [], [], []
    for person in people:
        for visit in rng.sample(visits, k=min(len(visits), rng.randint(0, 2))):
            signups.append(VisitSignUp(visit=visit, jobseeker=person))
            if rng.random() < 0.3:
                clicks.append(Click(visit=visit, jobseeker=person))
        for opening in rng.sample(openings, k=min(len(openings), rng.randint(0, 2))):
            proposed = _aware(some_day(), rng.choice([1, 12, 22]))
            answer = rng.choice(["pending", "interested", "not_now", "no"])
            proposals.append(
                Proposal(
                    jobseeker=person,
                    opening=opening,
                    proposed_at=proposed,
                    answer=answer,
                    answer_reason="" if answer in ("pending", "interested") else "Past nu niet",
                    answered_at=None
                    if answer == "pending"
                    else proposed + datetime.timedelta(days=rng.randint(0, 20), hours=3),
                )
            )
        if rng.random() < 0.35:
            begin = some_day()
            status = rng.choice(list(PlacementStatus.values))
            started = begin if status in ("active", "completed", "ended_early") else None
            ended = (
                begin + datetime.timedelta(days=rng.randint(20, 180))
                if status in ("completed", "ended_early") or rng.random() < 0.05
                else None
            )
            placements.append(
                DevelopmentPlacement(
                    jobseeker=person,
                    employer=rng.choice(employers),
                    start_date=begin,
                    planned_end_date=begin + datetime.timedelta(days=90),
                    hours_per_week=24,
                    learning_goals="Vakmanschap",
                    no_displacement_confirmed=True,
                    status=status,
                    started_on=started,
                    ended_on=ended,
                )
            )
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            jobs.append(
                JobOutcome(
                    jobseeker=person,
                    employer_name="Elders BV",
                    contract_type="fixed_term",
                    hours_per_week=32,
                    start_date=some_day(),
                    route=rng.choice(JobRoute.values),
                )
            )
        if rng.random() < 0.25:
            begin = some_day()
            pairings.append(
                BuddyPairing(
                    jobseeker=person,
                    buddy_name="Maatje",
                    goals="Netwerk",
                    start_date=begin,
                    end_date=begin + datetime.timedelta(days=rng.randint(0, 300))
                    if rng.random() < 0.5
                    else None,
                    status="active",
                )
            )
    VisitSignUp.objects.bulk_create(signups, batch_size=BATCH)
    Click.objects.bulk_create(clicks, batch_size=BATCH)
    with _keep_given_timestamps():
        Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    # At most one active placement per person is a database rule; we made at most one each.
    DevelopmentPlacement.objects.bulk_create(placements, batch_size=BATCH)
    JobOutcome.objects.bulk_create(jobs, batch_size=BATCH)
    # Some jobs end; the 6- and 12-month checks of most are answered (placements.JobCheck).
    checks, ended = [], []
    for job in jobs:
        if rng.random() < 0.15:
            job.end_date = job.start_date + datetime.timedelta(days=rng.randint(30, 400))
            ended.append(job)
        for months in (6, 12):
            if rng.random() < 0.6:
                mark = add_months(job.start_date, months)
                working = not (job.end_date and job.end_date < mark) and rng.random() < 0.8
                checks.append(
                    JobCheck(
                        job=job,
                        months=months,
                        checked_on=mark,
                        still_working=working,
                        source=rng.choice(JobCheckSource.values),
                    )
                )
    JobOutcome.objects.bulk_update(ended, ["end_date"], batch_size=BATCH)
    JobCheck.objects.bulk_create(checks, batch_size=BATCH)
    BuddyPairing.objects.bulk_create(pairings, batch_size=BATCH)
    intros = [
        Introduction(
            pairing=p,
            introduced_on=p.start_date + datetime.timedelta(days=rng.randint(1, 60)),
            person_name="Iemand",
            company_name="Netwerkbedrijf",
        )
        for p in pairings
        for _ in range(rng.randint(0, 3))
    ]
    Introduction.objects.bulk_create(intros, batch_size=BATCH)
    out.employers = len(employers)
    out.jobseekers = len(people)
    out.visits = len(visits)
    out.rows = sum(
        map(
            len,
            [employers, openings, visits, people, signups, clicks, proposals]
            + [placements, jobs, checks, pairings, intros],
        )
    )
    return out
