"""What a data set of one size holds, decided before a row is written.

Everything here is a pure function of the size and the anchor day (the day of the first run,
kept in the progress table), so a resumed or repeated run plans exactly the same rows: the same
municipality for employer 81,223, the same date for visit 4,096, the same ids.

Ids are assigned, not drawn from sequences, for the rows other rows point at (job seekers,
employers, their contacts and openings, visits, proposals, placements, jobs, buddy pairs): row
``i`` of a table gets ``base + i`` (or a fixed number of slots per person, ``base + slots * p +
j``), where ``base`` is the table's first free id when the data set was started. A chunk can then
refer to any row of any other chunk without asking the database.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import math
import random
from dataclasses import dataclass, field

from django.utils import timezone

from baanbrekers import geo

# National counts of the issue ("Data at scale"); the other sizes scale them down.
NATIONAL = {
    "jobseekers": 500_000,
    "employers": 300_000,
    "visits": 500_000,
    "placements": 500_000,
    "jobs": 300_000,
    "buddies": 100_000,
    "notes_and_audit": 5_000_000,
}
SIZES = {"national": 1, "province": 12, "region": 100, "tiny": 5000}
# The Netherlands had 342 municipalities in 2024; the postcode table (GeoNames) names 341 of them
# by CBS code (its 13 areas without a code, Hellevoetsluis, merged into Voorne aan Zee in 2023).
MUNICIPALITIES = 342
YEARS = 5
AHEAD_DAYS = 60  # visits and placements planned this far ahead of the anchor day
# Inhabitants (thousands, rounded; CBS 2024, public figures) of the 25 largest municipalities by CBS
# code. Elsewhere a municipality counts 20,000 plus 2,000 per postcode area: rural municipalities
# have many areas with few people, so areas alone would put Súdwest-Fryslân ahead of Rotterdam.
INHABITANTS_K = {
    "GM0363": 930, "GM0599": 670, "GM0518": 560, "GM0344": 370, "GM0772": 245, "GM0014": 240,
    "GM0855": 225, "GM0034": 225, "GM0758": 185, "GM0268": 180, "GM0200": 168, "GM0202": 165,
    "GM0392": 165, "GM0153": 160, "GM0307": 160, "GM0479": 160, "GM0394": 160, "GM0796": 160,
    "GM0193": 132, "GM0546": 127, "GM0637": 127, "GM0080": 126, "GM0935": 122, "GM0505": 120,
    "GM0228": 120,
}  # fmt: skip
# People per caseworker: how many caseworker accounts a municipality gets.
PEOPLE_PER_CASEWORKER = 250
# Rows per chunk (a chunk is one transaction and one line of progress), at most.
CHUNK = {"employers": 1000, "visits": 2000, "people": 1000}
# Slots per person for the rows with assigned ids (at most this many per person).
SLOTS = {"proposals": 6, "placements": 3, "jobs": 3, "buddies": 2}
OPENINGS_PER_EMPLOYER = 2


def counts_for(size: str) -> dict[str, int]:
    """The target counts of a size: national divided by its factor, at least one of each."""
    divisor = SIZES[size]
    return {name: max(1, round(n / divisor)) for name, n in NATIONAL.items()}


def chunk_size(phase: str, total: int) -> int:
    """At most CHUNK[phase] rows, and at least four chunks however small the set (so that a test
    can stop after one and resume)."""
    return max(1, min(CHUNK[phase], math.ceil(total / 4)))


@dataclass(frozen=True)
class Place:
    """A municipality of the plan with its postcode areas and weight (about how many people live
    there: ``INHABITANTS_K``, else estimated from its number of postcode areas)."""

    code: str
    name: str
    areas: tuple[geo.PostcodeArea, ...]
    weight: float
    lat: float
    lon: float


def municipalities() -> list[Place]:
    """Every municipality of the project's postcode table that has a CBS code (341; at most
    MUNICIPALITIES), with real names and codes (public facts), biggest first; a name that occurs twice (Bergen)
    gets its code added, as names are unique."""
    by_code: dict[str, list[geo.PostcodeArea]] = {}
    for area in geo.areas().values():
        if area.cbs_code:
            by_code.setdefault(area.cbs_code, []).append(area)
    ranked = sorted(by_code.items(), key=lambda item: (-len(item[1]), item[0]))[:MUNICIPALITIES]
    names = [areas[0].municipality for _, areas in ranked]
    places = []
    for code, areas in ranked:
        name = areas[0].municipality.rstrip(".")  # the table writes "Groningen."
        if names.count(areas[0].municipality) > 1:
            name = f"{name} ({code})"
        places.append(
            Place(
                code=code,
                name=name,
                areas=tuple(sorted(areas, key=lambda a: a.pc4)),
                weight=INHABITANTS_K.get(code, 20 + 2 * len(areas)) * 1000,
                lat=sum(a.lat for a in areas) / len(areas),
                lon=sum(a.lon for a in areas) / len(areas),
            )
        )
    return places


@dataclass
class Plan:
    """The data set of one size: counts, places, who lives and works where, visit dates."""

    size: str
    today: datetime.date
    counts: dict[str, int]
    places: list[Place]
    cumulative: list[float] = field(default_factory=list)
    employer_place: list[int] = field(default_factory=list)
    employers_of: list[list[int]] = field(default_factory=list)  # per place, employers nearby
    visit_employer: list[int] = field(default_factory=list)
    visit_start: list[datetime.datetime] = field(default_factory=list)
    visit_status: list[str] = field(default_factory=list)
    visits_of: list[list[int]] = field(default_factory=list)  # per place, visits nearby, by date
    visit_days_of: list[list[datetime.date]] = field(default_factory=list)
    # Filled by the runner from the database: ids of the first row of each table, and users.
    base: dict[str, int] = field(default_factory=dict)
    municipality_ids: list[int] = field(default_factory=list)  # per place
    user_emails: dict[int, str] = field(default_factory=dict)
    caseworkers: list[list[int]] = field(default_factory=list)  # per place
    aldermen: list[int] = field(default_factory=list)  # per place
    skills: list[int] = field(default_factory=list)
    interests: list[int] = field(default_factory=list)
    sectors: list[int] = field(default_factory=list)

    @property
    def start(self) -> datetime.date:
        return self.today - datetime.timedelta(days=365 * YEARS)

    @property
    def now(self) -> datetime.datetime:
        """The moment the data set describes: the start of ``today``. Every recorded moment
        (created, updated, answered) lies before it; only appointments lie ahead."""
        return datetime.datetime.combine(
            self.today, datetime.time(), tzinfo=timezone.get_current_timezone()
        )

    def place_index(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])

    def id_end(self, name: str) -> int:
        """One past the last id the data set assigns in table ``name`` (see ``base``)."""
        n = self.counts
        size = {
            "employer": n["employers"],
            "contact": n["employers"],
            "opening": n["employers"] * OPENINGS_PER_EMPLOYER,
            "visit": n["visits"],
            "jobseeker": n["jobseekers"],
        }.get(name) or n["jobseekers"] * SLOTS[name]
        return self.base[name] + size

    def chunks(self, phase: str) -> list[tuple[int, int]]:
        """(first, end) of every chunk of a phase."""
        total = {
            "employers": self.counts["employers"],
            "visits": self.counts["visits"],
            "people": self.counts["jobseekers"],
        }[phase]
        step = chunk_size(phase, total)
        return [(first, min(first + step, total)) for first in range(0, total, step)]


def _nearest_with(places: list[Place], members: list[list[int]]) -> list[list[int]]:
    """Per place: its own members, or those of the nearest place that has some."""
    with_members = [i for i, m in enumerate(members) if m]
    out = []
    for i, place in enumerate(places):
        if members[i] or not with_members:
            out.append(members[i])
            continue
        nearest = min(
            with_members,
            key=lambda j: geo.haversine_km(place.lat, place.lon, places[j].lat, places[j].lon),
        )
        out.append(members[nearest])
    return out


def make_plan(size: str, today: datetime.date, tz) -> Plan:
    """The plan of ``size`` anchored on ``today`` (deterministic: no database, fixed seeds)."""
    plan = Plan(size=size, today=today, counts=counts_for(size), places=municipalities())
    plan.cumulative = list(itertools.accumulate(p.weight for p in plan.places))
    rng = random.Random(f"scale-plan-{size}")
    n_places = len(plan.places)

    plan.employer_place = [plan.place_index(rng) for _ in range(plan.counts["employers"])]
    members: list[list[int]] = [[] for _ in range(n_places)]
    for i, p in enumerate(plan.employer_place):
        members[p].append(i)
    plan.employers_of = _nearest_with(plan.places, members)

    first = datetime.datetime.combine(plan.start, datetime.time(), tzinfo=tz)
    span_days = (today - plan.start).days + AHEAD_DAYS
    for _ in range(plan.counts["visits"]):
        employer = rng.randrange(plan.counts["employers"])
        starts = first + datetime.timedelta(
            days=rng.randrange(span_days), hours=rng.choice([9, 10, 11, 13, 14, 15])
        )
        if starts.date() < today:
            status = "held" if rng.random() < 0.88 else "cancelled"
        else:
            status = "planned" if rng.random() < 0.95 else "cancelled"
        plan.visit_employer.append(employer)
        plan.visit_start.append(starts)
        plan.visit_status.append(status)
    by_place: list[list[int]] = [[] for _ in range(n_places)]
    for v in sorted(range(len(plan.visit_start)), key=plan.visit_start.__getitem__):
        by_place[plan.employer_place[plan.visit_employer[v]]].append(v)
    plan.visits_of = _nearest_with(plan.places, by_place)
    plan.visit_days_of = [[plan.visit_start[v].date() for v in vs] for vs in plan.visits_of]
    return plan


def caseworkers_wanted(plan: Plan) -> list[int]:
    """Caseworker accounts per place: one per PEOPLE_PER_CASEWORKER expected people, at least one."""
    total = plan.cumulative[-1]
    people = plan.counts["jobseekers"]
    return [max(1, round(people * p.weight / total / PEOPLE_PER_CASEWORKER)) for p in plan.places]
