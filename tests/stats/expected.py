"""The figures computed again, independently, in plain Python from the raw rows.

Deliberately naive (loops over model instances, no SQL aggregation) so that it can catch a
wrong join, filter or time-zone conversion in the roll-up's SQL.
"""

import collections
import datetime
import zoneinfo

from jobseekers.models import JobSeeker
from placements.models import BuddyPairing, DevelopmentPlacement, Introduction, JobOutcome, Proposal
from placements.services import add_months
from visits.models import Click, Visit, VisitSignUp

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local(ts: datetime.datetime) -> datetime.date:
    return ts.astimezone(AMS).date()


def expected_figures(as_of: datetime.date) -> dict[tuple[int, datetime.date], dict[str, int]]:
    figures: dict = collections.defaultdict(collections.Counter)
    people = {p.pk: p for p in JobSeeker.objects.all()}

    for visit in Visit.objects.select_related("employer").prefetch_related("staff__user"):
        if visit.status != "held":
            continue
        key = (visit.employer.municipality_id, local(visit.starts_at))
        figures[key]["visits_held"] += 1
        if any(s.user.role == "alderman" for s in visit.staff.all()):
            figures[key]["alderman_visits"] += 1
    for signup in VisitSignUp.objects.select_related("visit"):
        if signup.visit.status == "held":
            person = people[signup.jobseeker_id]
            figures[(person.municipality_id, local(signup.visit.starts_at))][
                "visit_jobseekers"
            ] += 1
    for click in Click.objects.select_related("visit"):
        person = people[click.jobseeker_id]
        figures[(person.municipality_id, local(click.visit.starts_at))]["clicks"] += 1
    answer_field = {
        "interested": "proposals_interested",
        "not_now": "proposals_not_now",
        "no": "proposals_declined",
    }
    for proposal in Proposal.objects.all():
        muni = people[proposal.jobseeker_id].municipality_id
        figures[(muni, local(proposal.proposed_at))]["proposals"] += 1
        if proposal.answered_at and proposal.answer in answer_field:
            figures[(muni, local(proposal.answered_at))][answer_field[proposal.answer]] += 1
    for placement in DevelopmentPlacement.objects.all():
        muni = people[placement.jobseeker_id].municipality_id
        if placement.started_on:
            figures[(muni, placement.started_on)]["placements_started"] += 1
            if placement.ended_on and placement.status == "completed":
                figures[(muni, placement.ended_on)]["placements_completed"] += 1
            if placement.ended_on and placement.status == "ended_early":
                figures[(muni, placement.ended_on)]["placements_ended_early"] += 1
    first_job: dict[int, JobOutcome] = {}
    for job in JobOutcome.objects.prefetch_related("checks").order_by("pk"):
        person = people[job.jobseeker_id]
        figures[(person.municipality_id, job.start_date)][f"jobs_{job.route}"] += 1
        mine = first_job.get(job.jobseeker_id)
        if mine is None or job.start_date < mine.start_date:
            first_job[job.jobseeker_id] = job
    for person_id, job in first_job.items():
        day = job.start_date
        person = people[person_id]
        if person.benefit_type == "none":
            continue
        counter = figures[(person.municipality_id, day)]
        counter["outflow"] += 1
        counter["days_to_work_total"] += max((day - local(person.created_at)).days, 0)
        answers = {check.months: check.still_working for check in job.checks.all()}
        for months in (6, 12):
            mark = add_months(day, months)
            if mark <= as_of:
                counter[f"retention_{months}m_due"] += 1
                ended = job.end_date is not None and job.end_date < mark
                counter[f"retention_{months}m_answered"] += months in answers or ended
                counter[f"retention_{months}m_working"] += answers.get(months) is True
    pairings = {}
    for pairing in BuddyPairing.objects.all():
        pairings[pairing.pk] = pairing
        muni = people[pairing.jobseeker_id].municipality_id
        figures[(muni, pairing.start_date)]["buddy_pairs_started"] += 1
        if pairing.end_date:
            figures[(muni, pairing.end_date)]["buddy_pairs_ended"] += 1
    for intro in Introduction.objects.all():
        muni = people[pairings[intro.pairing_id].jobseeker_id].municipality_id
        figures[(muni, intro.introduced_on)]["introductions"] += 1
    return {key: dict(+counter) for key, counter in figures.items() if +counter}
