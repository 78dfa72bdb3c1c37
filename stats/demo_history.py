"""A living demo region: two years and more of invented history for every demo municipality, so
that an alderman opening the demo sees figures (not "< 5") and a monthly chart with bars.

Why it is shaped like this:
- Every figure the dashboard shows gets a fixed number of events per municipality per month
  (``PER_MONTH``), on days spread over the month, so even a period of one month shows values
  through disclosure control (5 or more of everything, 10 or more where a share or an average
  needs a denominator). In the current month the days are squeezed into the days so far, so the
  default period (this year) has them from the first of January on.
- Events that end something (a placement ended early or completed) are dated by the month they
  count in and their start is derived backwards, for the same reason.
- Deterministic (positions, not chance: one fixed seed only for birth dates and postcodes) and
  written once: a second seed finds the first history person and adds nothing.
- Bulk inserts (a few dozen queries in all) and no services: history sends no mail and creates no
  follow-ups of its own; every due "still working?" check is answered except half of the last six
  weeks' (so "not answered yet" shows a number without flooding the to-do lists).

Synthetic only: names from the apps' demo data files, BSNs from the jobseekers demo's
generator (an offset beyond its own people), no real person or company.
"""

from __future__ import annotations

import bisect
import datetime
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from baanbrekers import crypto
from baanbrekers.models import Municipality, Role, User
from employers.models import Employer, EmployerStatus, Opening
from jobseekers.demo import FIRST_NAMES, LAST_NAMES, synthetic_bsn
from jobseekers.models import BenefitType, JobSeeker, JobSeekerStatus
from placements.models import (
    BuddyPairing,
    BuddyStatus,
    ContractType,
    DevelopmentPlacement,
    Introduction,
    JobCheck,
    JobCheckSource,
    JobOutcome,
    JobRoute,
    PlacementStatus,
    Proposal,
    ProposalAnswer,
)
from placements.services import add_months
from visits.models import Click, Visit, VisitReport, VisitSignUp, VisitStaff, VisitStatus

from .synthetic import _keep_given_timestamps

_DATA = json.loads((Path(__file__).parent / "data" / "demo_history.json").read_text("utf-8"))

BATCH = 2000
MONTHS_BACK = 26  # the current month plus 26 before it: more than two years
# Far beyond the jobseekers demo's own people (0..COUNT), so the BSNs never meet.
BSN_OFFSET = 100_000
START_POOL = 40  # people per municipality already in the files when the history starts


@dataclass(frozen=True)
class PerMonth:
    """Events per municipality per month."""

    new_people: int = 13  # at least first_jobs, or the outflow runs out of people
    visits: int = 7  # the last one cancelled, the others held
    signups_per_visit: int = 3
    clicks_per_visit: int = 2
    proposals: int = 19  # answers in turn: 7 interested, 6 not now, 6 no
    short_placements: int = 5  # end early after a month
    long_placements: int = 5  # completed after three months
    first_jobs: int = 12  # outflow: at least 10 for the average days to work
    other_jobs: int = 18  # with the first jobs: 6 per route
    buddy_pairs: int = 5
    introductions: int = 8


PER_MONTH = PerMonth()


@dataclass
class HistoryResult:
    created: bool
    people: int = 0
    rows: int = 0


def _month_starts(today: datetime.date) -> list[datetime.date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(MONTHS_BACK):
        out.append((out[-1] - datetime.timedelta(days=1)).replace(day=1))
    return sorted(out)


def _days(month: datetime.date, n: int, today: datetime.date) -> list[datetime.date]:
    """``n`` days spread over the month; the current month only up to today."""
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    last = min(next_month - datetime.timedelta(days=1), today)
    span = (last - month).days + 1
    return [month + datetime.timedelta(days=(k * span) // n) for k in range(n)]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _marker_hash() -> str:
    return crypto.keyed_hash(synthetic_bsn(BSN_OFFSET))


def history_exists() -> bool:
    return JobSeeker.objects.filter(bsn_hash=_marker_hash()).exists()


def history_seed(
    *,
    municipalities: list[Municipality],
    today: datetime.date | None = None,
    staff: User | None = None,
    caseworker: User | None = None,
) -> HistoryResult:
    """Writes the history once; returns ``created=False`` when it is already there. ``staff``
    plans the visits and checks the placements; the people of ``caseworker``'s municipalities are
    theirs, the others ``staff``'s (a follow-up then knows its owner without a query each)."""
    if not municipalities or history_exists():
        return HistoryResult(created=False)
    today = today or timezone.localdate()
    out = HistoryResult(created=True)
    for position, municipality in enumerate(municipalities):
        mine = caseworker is not None and caseworker.municipalities.filter(pk=municipality.pk)
        people, rows = _municipality_history(
            municipality=municipality,
            position=position,
            today=today,
            staff=staff,
            caseworker=caseworker if mine else staff,
        )
        out.people += people
        out.rows += rows
    return out


class _Queue:
    """People in the order they entered the files; takes the next ones known before a day."""

    def __init__(self, people: list[JobSeeker]):
        self.people = people
        self.entered = [timezone.localdate(p.created_at) for p in people]
        self.next = 0

    def take(self, n: int, before: datetime.date) -> list[JobSeeker]:
        out = []
        while len(out) < n and self.next < len(self.people):
            if self.entered[self.next] >= before:
                break
            out.append(self.people[self.next])
            self.next += 1
        return out


def _municipality_history(
    *,
    municipality: Municipality,
    position: int,
    today: datetime.date,
    staff: User | None,
    caseworker: User | None,
) -> tuple[int, int]:
    """Writes one municipality's history; returns (people, rows)."""
    rng = random.Random(797 + position)
    per = PER_MONTH
    months = _month_starts(today)
    employers = list(
        Employer.objects.filter(municipality=municipality)
        .exclude(status=EmployerStatus.PROSPECT)
        .order_by("pk")
    )
    openings = list(Opening.objects.filter(employer__in=employers).order_by("pk"))
    if not employers or not openings:
        return 0, 0
    alderman = (
        User.objects.filter(role=Role.ALDERMAN, municipalities=municipality).order_by("pk").first()
    )

    # The programme grows over the years and some months are busier than others: a factor per
    # month of at least 1, so no month falls below the minimums of PER_MONTH.
    size = _DATA["size"].get(municipality.cbs_code, 1.0)  # at least 1: the minimums hold
    factors = [size * (1 + 0.5 * m / len(months) + rng.random() * 0.5) for m in range(len(months))]

    def grow(m: int, n: int) -> int:
        return round(n * factors[m])

    # 1. People: a starting pool, then new people every month.
    people: list[JobSeeker] = []
    entered: list[datetime.date] = []
    pool_start = months[0] - datetime.timedelta(days=400)
    entered += [pool_start + datetime.timedelta(days=9 * k) for k in range(START_POOL)]
    for m, month in enumerate(months):
        entered += _days(month, grow(m, per.new_people), today)
    base = BSN_OFFSET + position * 10_000
    postcode = municipality.cbs_code[-3:]
    for k, day in enumerate(entered):
        person = JobSeeker(
            first_name=FIRST_NAMES[(k * 7 + position) % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(k * 11 + position * 3) % len(LAST_NAMES)],
            birth_date=day - datetime.timedelta(days=rng.randint(19 * 365, 60 * 365)),
            postcode=f"5{postcode} {'ABCDEFGHJK'[k % 10]}{'LMNPRTVWXZ'[(k // 10) % 10]}",
            municipality=municipality,
            benefit_type=BenefitType.PARTICIPATIEWET if k % 6 else BenefitType.WW,
            benefit_start_date=day - datetime.timedelta(days=30 + k % 300),
            status=JobSeekerStatus.ACTIVE,
            caseworker=caseworker,
            created_at=_at(day, 9),
        )
        person.set_bsn(synthetic_bsn(base + k))
        people.append(person)
    with _keep_given_timestamps():
        JobSeeker.objects.bulk_create(people, batch_size=BATCH)

    # 2. Visits at the municipality's employers, with the alderman at most of them.
    visits: list[Visit] = []
    for m, month in enumerate(months):
        n_visits = grow(m, per.visits)
        for k, day in enumerate(_days(month, n_visits, today)):
            employer = employers[(m * per.visits + k) % len(employers)]
            held = k < n_visits - 1
            visits.append(
                Visit(
                    employer=employer,
                    starts_at=_at(day, 10 if k % 2 else 14),
                    duration_minutes=90,
                    place=", ".join(p for p in (employer.street_address, employer.city) if p),
                    purpose=_DATA["visit_purposes"][k % len(_DATA["visit_purposes"])],
                    status=VisitStatus.HELD if held else VisitStatus.CANCELLED,
                    capacity=per.signups_per_visit,
                    planned_by=staff,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    reports = [
        VisitReport(visit=v, learnt=_DATA["learnt"][k % len(_DATA["learnt"])], written_by=staff)
        for k, v in enumerate(visits)
        if v.status == VisitStatus.HELD
    ]
    VisitReport.objects.bulk_create(reports, batch_size=BATCH)
    visit_staff = []
    for visit in visits:
        if staff is not None:
            visit_staff.append(VisitStaff(visit=visit, user=staff))
        # Every visit with an alderman, as in the visits demo: that is what the programme is.
        if alderman is not None:
            visit_staff.append(VisitStaff(visit=visit, user=alderman))
    VisitStaff.objects.bulk_create(visit_staff, batch_size=BATCH)

    # Sign-ups and clicks: people already known, in turn.
    signups, clicks = [], []
    for k, visit in enumerate(visits):
        if visit.status != VisitStatus.HELD:
            continue
        day = timezone.localdate(visit.starts_at)
        known = people[: bisect.bisect_left(entered, day)]
        for j in range(per.signups_per_visit):
            person = known[-1 - ((k * per.signups_per_visit + j) % min(len(known), 60))]
            signups.append(VisitSignUp(visit=visit, jobseeker=person, signed_up_by=staff))
            if j < per.clicks_per_visit:
                clicks.append(
                    Click(
                        visit=visit, jobseeker=person, note="Klik over en weer.", created_by=staff
                    )
                )
    VisitSignUp.objects.bulk_create(signups, batch_size=BATCH, ignore_conflicts=True)
    Click.objects.bulk_create(clicks, batch_size=BATCH, ignore_conflicts=True)

    # 3. Proposals, answered within days (the last of each month pending in recent months).
    proposals, pairs = [], set()
    answers = (
        [ProposalAnswer.INTERESTED] * 7 + [ProposalAnswer.NOT_NOW] * 6 + [ProposalAnswer.NO] * 6
    )
    for m, month in enumerate(months):
        days = _days(month, grow(m, per.proposals), today)
        known = people[: bisect.bisect_left(entered, month)]
        for k, day in enumerate(days):
            for shift in range(len(openings)):
                person = known[-1 - ((m * 7 + k) % min(len(known), 80))]
                opening = openings[(m * per.proposals + k + shift) % len(openings)]
                if (person.pk, opening.pk) not in pairs:
                    break
            pairs.add((person.pk, opening.pk))
            pending = k == len(days) - 1 and m >= len(months) - 2
            answer = ProposalAnswer.PENDING if pending else answers[k % len(answers)]
            answered = min(day + datetime.timedelta(days=k % 4), today)
            if answered.month != day.month:
                answered = day
            proposals.append(
                Proposal(
                    jobseeker=person,
                    opening=opening,
                    proposed_by=staff,
                    proposed_at=_at(day, 9),
                    answer=answer,
                    answer_reason=_DATA["refusal_reasons"].get(answer, ""),
                    answered_at=None if pending else _at(answered, 16),
                )
            )
    with _keep_given_timestamps():
        Proposal.objects.bulk_create(proposals, batch_size=BATCH)

    # 4. Placements, dated by the month they end in (ended early after one month, completed
    # after three), so every month has its ends; the recent ones are still running.
    placement_people = _Queue(people)
    placements = []
    planned: list[tuple[datetime.date, int, int]] = []  # start, months, position

    def place(start: datetime.date, months_long: int, k: int) -> None:
        planned.append((start, months_long, k))

    def write(start: datetime.date, months_long: int, k: int) -> None:
        chosen = placement_people.take(1, before=start)
        if not chosen:
            return
        end = add_months(start, months_long)
        ended = end <= today
        short = months_long == 1
        placements.append(
            DevelopmentPlacement(
                jobseeker=chosen[0],
                employer=employers[k % len(employers)],
                start_date=start,
                planned_end_date=add_months(start, 3),
                original_end_date=add_months(start, 3),
                hours_per_week=24,
                learning_goals=_DATA["learning_goals"][k % len(_DATA["learning_goals"])],
                insurance_arranged=True,
                no_displacement_confirmed=True,
                no_displacement_checked_by=staff,
                caseworker=caseworker,
                status=(
                    PlacementStatus.ACTIVE
                    if not ended
                    else PlacementStatus.ENDED_EARLY
                    if short
                    else PlacementStatus.COMPLETED
                ),
                started_on=start,
                ended_on=end if ended else None,
                end_reason=_DATA["end_reasons"][k % 2] if ended and short else "",
                created_by=staff,
            )
        )

    for m, month in enumerate(months[1:], start=1):
        for k, end in enumerate(_days(month, grow(m, per.short_placements), today)):
            place(add_months(end, -1), 1, m + k)
    for m, month in enumerate(months[3:], start=3):
        for k, end in enumerate(_days(month, grow(m, per.long_placements), today)):
            place(add_months(end, -3), 3, m + k)
    # Still running: started this month (short) or in the last three months (long).
    for k, start in enumerate(_days(months[-1], per.short_placements, today)):
        place(start, 1, k)
    for m, month in enumerate(months[-3:], start=len(months) - 3):
        for k, start in enumerate(_days(month, grow(m, per.long_placements), today)):
            if add_months(start, 3) > today:
                place(start, 3, k)
    # In order of start, so each takes the next person who was known by then.
    for start, months_long, k in sorted(planned):
        write(start, months_long, k)
    DevelopmentPlacement.objects.bulk_create(placements, batch_size=BATCH)
    for placement in placements:
        if placement.status == PlacementStatus.ACTIVE:
            placement.jobseeker.status = JobSeekerStatus.IN_PLACEMENT

    # 5. Jobs: first jobs (the outflow) of people in turn, and further jobs of people who work;
    # routes in turn, so each route has its share every month.
    job_people = _Queue(people)
    working: list[JobSeeker] = []
    jobs, first_jobs = [], []
    routes = JobRoute.values
    for m, month in enumerate(months):
        days = _days(month, grow(m, per.first_jobs + per.other_jobs), today)
        for k, day in enumerate(days):
            if k % 5 < 2:
                chosen = job_people.take(1, before=day - datetime.timedelta(days=30))
                person = chosen[0] if chosen else None
                first = person is not None
            else:
                person, first = None, False
            if person is None:
                if not working:
                    continue
                person = working[(m * 13 + k) % len(working)]
            job = JobOutcome(
                jobseeker=person,
                employer_name=_DATA["job_employers"][(m + k) % len(_DATA["job_employers"])],
                contract_type=ContractType.FIXED_TERM if k % 3 else ContractType.PERMANENT,
                hours_per_week=(24, 32, 36)[k % 3],
                start_date=day,
                route=routes[(m * 3 + k) % len(routes)],
            )
            # One first job in seven ends after four months: its checks are "no" by the end.
            if first and len(first_jobs) % 7 == 3:
                end = add_months(day, 4)
                job.end_date = end if end <= today else None
            jobs.append(job)
            if first:
                first_jobs.append(job)
                working.append(person)
                person.status = JobSeekerStatus.WORKING
    JobOutcome.objects.bulk_create(jobs, batch_size=BATCH)
    checks = []
    for n, job in enumerate(first_jobs):
        for months_after in (6, 12):
            mark = add_months(job.start_date, months_after)
            if mark > today or (job.end_date and job.end_date < mark):
                continue
            # Half of the most recent six-month checks are still open: "not answered yet" has
            # numbers too, and the caseworkers' to-do list its reminders.
            if months_after == 6 and (today - mark).days < 45 and n % 2 == 0:
                continue
            checks.append(
                JobCheck(
                    job=job,
                    months=months_after,
                    checked_on=mark,
                    still_working=n % 5 != 0,
                    source=JobCheckSource.CASEWORKER if n % 2 else JobCheckSource.EMPLOYER,
                )
            )
    JobCheck.objects.bulk_create(checks, batch_size=BATCH)

    # 6. Buddy pairs (half a year each) and their introductions.
    pairings = []
    # People without work or a placement first, so buddies go to those who need them most.
    buddy_people = _Queue(
        sorted(people, key=lambda p: (p.status != JobSeekerStatus.ACTIVE, p.created_at))
    )
    for m, month in enumerate(months):
        for k, day in enumerate(_days(month, grow(m, per.buddy_pairs), today)):
            chosen = buddy_people.take(1, before=day)
            if not chosen:
                continue
            end = add_months(day, 6)
            name, organisation = _DATA["buddy_names"][(m + k) % len(_DATA["buddy_names"])]
            pairings.append(
                BuddyPairing(
                    jobseeker=chosen[0],
                    buddy_name=name,
                    buddy_organisation=organisation,
                    goals=_DATA["buddy_goals"][k % len(_DATA["buddy_goals"])],
                    start_date=day,
                    end_date=end if end <= today else None,
                    status=BuddyStatus.ENDED if end <= today else BuddyStatus.ACTIVE,
                    caseworker=caseworker,
                )
            )
    BuddyPairing.objects.bulk_create(pairings, batch_size=BATCH)
    introductions = []
    for m, month in enumerate(months):
        for k, day in enumerate(_days(month, grow(m, per.introductions), today)):
            running = [p for p in pairings if p.start_date < day and (p.end_date or today) >= day]
            if not running:
                continue
            pairing = running[k % len(running)]
            who, company = _DATA["introduced_to"][k % len(_DATA["introduced_to"])]
            introductions.append(
                Introduction(
                    pairing=pairing, introduced_on=day, person_name=who, company_name=company
                )
            )
    Introduction.objects.bulk_create(introductions, batch_size=BATCH)

    changed = [p for p in people if p.status != JobSeekerStatus.ACTIVE]
    JobSeeker.objects.bulk_update(changed, ["status"], batch_size=BATCH)
    return len(people), sum(
        map(
            len,
            [people, visits, reports, visit_staff, signups, clicks, proposals, placements]
            + [jobs, checks, pairings, introductions],
        )
    )
