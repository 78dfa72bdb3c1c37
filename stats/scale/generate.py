"""The rows of one chunk: employers, visits or people, each with everything that hangs off them.

Each chunk draws from its own random generator seeded with the size, the phase and the chunk
number, and refers to rows of other chunks by their planned ids (see ``plan``), so chunks can be
written in any order, in parallel, again after an interruption, and always come out the same.

What the app promises about its data holds here too:
- a job seeker's status follows their history the way ``jobseekers.services`` status events would
  have moved it: 'in_placement' exactly when their last placement is running (at most one), then
  nothing after it; 'working' when their last job has not ended; 'left' with a leaving date;
- placements go through the states of ``placements.transitions`` (proposed, agreed, active,
  completed, ended early), with the no-displacement check before they are agreed, evaluations
  dated within the time they ran, at most one extension;
- proposals, visit sign-ups and clicks only while the person's consent of that kind is in force;
  a refusal has a reason; sign-ups and clicks once per visit and person;
- jobs after placements with a paid-work outcome start after the placement; the 6- and 12-month
  checks (``JOB_RETENTION_CHECK_MONTHS``) only when due, "still working" false after the job ended;
- employers, placements and sign-ups in the person's own municipality (or the nearest one that
  has employers or visits), postcodes from the municipality's own postcode areas.
"""

from __future__ import annotations

import bisect
import datetime
import random
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from baanbrekers import crypto
from baanbrekers.models import AuditEvent
from employers.models import ContactMoment, Employer, EmployerContact, Opening, Referral
from jobseekers.demo import EXPERIENCE, FIRST_NAMES, LAST_NAMES, synthetic_bsn
from jobseekers.models import Consent, JobSeeker, JobSeekerNote
from placements.models import (
    BuddyMeeting,
    BuddyPairing,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Introduction,
    JobCheck,
    JobOutcome,
    Proposal,
)
from placements.services import add_months
from visits.models import Click, Visit, VisitAction, VisitReport, VisitSignUp, VisitStaff

from .plan import OPENINGS_PER_EMPLOYER, SLOTS, Plan
from .store import Rows, Table

DAY = datetime.timedelta(days=1)
# The n-th person of a data set gets synthetic BSN number BSN_OFFSET + n (jobseekers.demo's rule
# for made-up BSNs that pass the eleven-test), far above the demo's few hundred.
BSN_OFFSET = 1_000_000
# KvK numbers 80,000,000 + e: the demo's employers have 9xxxxxxx (employers/demo.py).
KVK_FIRST = 80_000_000
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"  # postcode letters without S (no SA, SD, SS)

TRADES = [
    ("Bakkerij", "brood en banket"),
    ("Metaalbewerking", "laswerk en constructies"),
    ("Zorggroep", "zorg en begeleiding thuis"),
    ("Transport", "vervoer en logistiek"),
    ("Installatiebedrijf", "elektra, water en warmte"),
    ("Hoveniersbedrijf", "tuinen en groenonderhoud"),
    ("Schoonmaakbedrijf", "schoonmaak van kantoren"),
    ("Supermarkt", "dagelijkse boodschappen"),
    ("Drukkerij", "drukwerk en verpakkingen"),
    ("Restaurant", "eten en drinken"),
    ("Bouwbedrijf", "woningbouw en renovatie"),
    ("Kinderopvang", "opvang van jonge kinderen"),
]
PASSIONS = [
    "Vakmanschap doorgeven aan nieuwe mensen.",
    "Iedereen verdient een kans om mee te doen.",
    "Kwaliteit leveren waar klanten op rekenen.",
    "Duurzaam ondernemen in de eigen regio.",
]
CULTURES = [
    "Een klein team, korte lijnen, samen koffie om tien uur.",
    "Collega's die elkaar helpen en veel geduld met nieuwe mensen.",
    "Hard werken, veel lachen, duidelijke afspraken.",
]
VALUES = [
    "Op tijd komen, afspraken nakomen, willen leren.",
    "Netjes werken en vragen durven stellen.",
    "Klantvriendelijk en zelfstandig.",
]
NOTES = [
    "Gesprek gehad over werkervaring en wensen.",
    "Belt terug na het sollicitatiegesprek.",
    "Heeft cv bijgewerkt, ziet kansen in de logistiek.",
    "Wil graag een ontwikkelplek, liefst dichtbij huis.",
    "Afspraak verzet wegens ziekte van een kind.",
    "Positief over het bedrijfsbezoek, wil verder kijken.",
]
LEARNING_GOALS = [
    "Werkritme opbouwen en samenwerken in een team.",
    "Vakkennis opdoen en een certificaat halen.",
    "Zelfstandig werken en klantcontact.",
]
AUDIT_ACTIONS = ["view"] * 12 + ["update"] * 5 + ["reveal"]


@lru_cache(maxsize=1)
def tables() -> dict[str, Table]:
    """Each table a chunk writes, with the columns its generator gives, in that order."""
    return {
        "employer": Table(
            Employer,
            [
                "id",
                "kvk_number",
                "trade_name",
                "street_address",
                "postcode",
                "city",
                "municipality",
                "sector",
                "size_class",
                "relationship_owner",
                "status",
                "story_what",
                "story_passion",
                "story_culture",
                "story_values",
                "created_at",
                "updated_at",
            ],
        ),
        "employer_skill": Table(Employer.valued_skills.through, ["employer", "skill"]),
        "contact": Table(
            EmployerContact, ["id", "employer", "name", "role", "email", "is_primary"]
        ),
        "opening": Table(
            Opening,
            [
                "id",
                "employer",
                "kind",
                "title",
                "description",
                "hours_per_week",
                "start_date",
                "end_date",
                "places",
                "status",
                "created_by",
                "created_at",
                "updated_at",
            ],
        ),
        "opening_skill": Table(Opening.competences.through, ["opening", "skill"]),
        "contact_moment": Table(
            ContactMoment, ["employer", "happened_at", "kind", "summary", "author", "created_at"]
        ),
        "referral": Table(
            Referral,
            [
                "referring_employer",
                "referred_by",
                "company_name",
                "need",
                "municipality",
                "status",
                "created_at",
            ],
        ),
        "visit": Table(
            Visit,
            [
                "id",
                "employer",
                "starts_at",
                "duration_minutes",
                "purpose",
                "host",
                "status",
                "capacity",
                "planned_by",
                "created_at",
                "updated_at",
            ],
        ),
        "visit_staff": Table(VisitStaff, ["visit", "user", "added_at"]),
        "visit_report": Table(VisitReport, ["visit", "learnt", "written_by", "created_at"]),
        "visit_action": Table(
            VisitAction, ["visit", "what", "owner", "due_on", "done", "done_at", "created_at"]
        ),
        "jobseeker": Table(
            JobSeeker,
            [
                "id",
                "first_name",
                "last_name",
                "bsn_encrypted",
                "bsn_hash",
                "birth_date",
                "email",
                "postcode",
                "municipality",
                "caseworker",
                "benefit_type",
                "benefit_start_date",
                "ladder_step",
                "education_level",
                "experience",
                "hours_available",
                "has_driving_licence",
                "has_car",
                "max_travel_km",
                "dutch_level",
                "status",
                "left_on",
                "created_at",
                "updated_at",
            ],
        ),
        "jobseeker_skill": Table(JobSeeker.skills.through, ["jobseeker", "skill"]),
        "jobseeker_interest": Table(JobSeeker.interests.through, ["jobseeker", "skill"]),
        "consent": Table(
            Consent,
            [
                "jobseeker",
                "kind",
                "given_on",
                "valid_until",
                "withdrawn_on",
                "recorded_by",
                "created_at",
            ],
        ),
        "note": Table(JobSeekerNote, ["jobseeker", "text", "author", "created_at"]),
        "audit": Table(
            AuditEvent,
            [
                "at",
                "actor",
                "actor_email",
                "action",
                "object_type",
                "object_id",
                "object_repr",
                "detail",
            ],
        ),
        "signup": Table(VisitSignUp, ["visit", "jobseeker", "signed_up_by", "created_at"]),
        "click": Table(Click, ["visit", "jobseeker", "created_by", "created_at"]),
        "proposal": Table(
            Proposal,
            [
                "id",
                "jobseeker",
                "opening",
                "proposed_by",
                "proposed_at",
                "motivation",
                "match_score",
                "answer",
                "answer_reason",
                "answered_at",
                "introduction_agreed",
                "introduction_agreed_at",
                # The person's, as the database's trigger would copy it (also when a run
                # turns the triggers off: --skip-fk-checks).
                "municipality",
            ],
        ),
        "placement": Table(
            DevelopmentPlacement,
            [
                "id",
                "jobseeker",
                "employer",
                "opening",
                "proposal",
                "supervisor",
                "caseworker",
                "start_date",
                "planned_end_date",
                "original_end_date",
                "hours_per_week",
                "learning_goals",
                "benefit_kept",
                "insurance_arranged",
                "no_displacement_confirmed",
                "no_displacement_checked_by",
                "no_displacement_checked_at",
                "status",
                "extension_count",
                "started_on",
                "ended_on",
                "end_reason",
                "outcome",
                "created_by",
                "created_at",
                "updated_at",
                "municipality",
            ],
        ),
        "checkin": Table(CheckIn, ["placement", "held_on", "notes", "author", "created_at"]),
        "evaluation": Table(
            Evaluation,
            [
                "placement",
                "moment",
                "evaluator",
                "held_on",
                "progress",
                "rating",
                "recorded_by",
                "created_at",
            ],
        ),
        "job": Table(
            JobOutcome,
            [
                "id",
                "jobseeker",
                "employer",
                "employer_name",
                "placement",
                "contract_type",
                "hours_per_week",
                "start_date",
                "salary_band",
                "route",
                "recorded_by",
                "created_at",
                "end_date",
                "end_reason",
                "updated_at",
            ],
        ),
        "job_check": Table(
            JobCheck,
            ["job", "months", "checked_on", "still_working", "source", "recorded_by", "created_at"],
        ),
        "buddy": Table(
            BuddyPairing,
            [
                "id",
                "jobseeker",
                "buddy_name",
                "buddy_organisation",
                "buddy_employer",
                "goals",
                "start_date",
                "end_date",
                "status",
                "caseworker",
                "created_at",
            ],
        ),
        "meeting": Table(BuddyMeeting, ["pairing", "held_on", "kind", "notes", "created_at"]),
        "introduction": Table(
            Introduction,
            [
                "pairing",
                "introduced_on",
                "person_name",
                "company_name",
                "employer",
                "outcome",
                "created_at",
            ],
        ),
    }


class Clock:
    """Dates to moments in the project's time zone, at a given hour."""

    def __init__(self):
        self.tz = timezone.get_current_timezone()

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)


def _rng(plan: Plan, phase: str, chunk: int) -> random.Random:
    return random.Random(f"scale-{plan.size}-{phase}-{chunk}")


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _postcode(rng: random.Random, plan: Plan, place: int) -> tuple[str, str]:
    area = rng.choice(plan.places[place].areas)
    return f"{area.pc4} {rng.choice(LETTERS)}{rng.choice(LETTERS)}", area.place


def _caseworker(rng: random.Random, plan: Plan, place: int) -> int:
    return rng.choice(plan.caseworkers[place])


# --- Employers ---------------------------------------------------------------------------------
def employer_ids(plan: Plan, e: int) -> tuple[int, int, list[int]]:
    """(employer id, primary contact id, opening ids) of the e-th employer."""
    b = plan.base
    first = b["opening"] + OPENINGS_PER_EMPLOYER * e
    return b["employer"] + e, b["contact"] + e, list(range(first, first + OPENINGS_PER_EMPLOYER))


def employers_chunk(plan: Plan, chunk: int, first: int, end: int) -> Rows:
    rng, clock, t, rows = _rng(plan, "employers", chunk), Clock(), tables(), Rows(plan.now)
    for e in range(first, end):
        place = plan.employer_place[e]
        employer_id, contact_id, opening_ids = employer_ids(plan, e)
        trade, what = rng.choice(TRADES)
        last = rng.choice(LAST_NAMES)
        postcode, city = _postcode(rng, plan, place)
        created = _day_between(rng, plan.start - 365 * DAY, plan.today)
        owner = _caseworker(rng, plan, place)
        status = rng.choices(["active", "prospect", "dormant"], [60, 25, 15])[0]
        rows.add(
            t["employer"],
            employer_id,
            f"{KVK_FIRST + e:08d}",
            f"{trade} {last} {city}"[:200],
            f"Industrieweg {1 + e % 180}",
            postcode,
            city,
            plan.municipality_ids[place],
            rng.choice(plan.sectors) if plan.sectors else None,
            rng.choice(["1-9", "1-9", "10-49", "10-49", "50-249", "250+"]),
            owner,
            status,
            f"Wij doen {what} voor klanten in {city}.",
            rng.choice(PASSIONS),
            rng.choice(CULTURES),
            rng.choice(VALUES),
            clock.at(created),
            clock.at(plan.today),
        )
        for skill in rng.sample(plan.skills, k=min(len(plan.skills), rng.randint(1, 3))):
            rows.add(t["employer_skill"], employer_id, skill)
        rows.add(
            t["contact"],
            contact_id,
            employer_id,
            f"{rng.choice(FIRST_NAMES)} {last}",
            "Eigenaar",
            f"contact{e}@example.org",
            True,
        )
        for n, opening_id in enumerate(opening_ids):
            kind = (
                "placement"
                if n == 0
                else rng.choices(["vacancy", "buddy", "visit_host"], [60, 15, 25])[0]
            )
            opening_created = _day_between(rng, created, plan.today)
            start = _day_between(rng, opening_created, plan.today + 60 * DAY)
            rows.add(
                t["opening"],
                opening_id,
                employer_id,
                kind,
                {
                    "placement": "Ontwikkelplek",
                    "vacancy": "Medewerker",
                    "buddy": "Maatje",
                    "visit_host": "Bedrijfsbezoek",
                }[kind]
                + f" {what}"[:150],
                f"Bij ons: {what}.",
                rng.choice([16, 20, 24, 32, 36]),
                start if rng.random() < 0.5 else None,
                None,
                rng.randint(1, 3),
                rng.choices(["open", "filled", "closed"], [55, 30, 15])[0],
                owner,
                clock.at(opening_created),
                clock.at(opening_created),
            )
            for skill in rng.sample(plan.skills, k=min(len(plan.skills), rng.randint(1, 3))):
                rows.add(t["opening_skill"], opening_id, skill)
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            moment = clock.at(_day_between(rng, created, plan.today), rng.randint(8, 17))
            rows.add(
                t["contact_moment"],
                employer_id,
                moment,
                rng.choice(["visit", "phone", "email", "meeting", "event"]),
                "Contact over mogelijke plekken en de stand van zaken.",
                owner,
                moment,
            )
        if rng.random() < 0.05:
            rows.add(
                t["referral"],
                employer_id,
                owner,
                f"Collega-bedrijf {rng.choice(LAST_NAMES)}",
                "Zoekt twee mensen voor het magazijn.",
                _place_id(plan, place),
                rng.choice(["new", "declined"]),
                clock.at(_day_between(rng, created, plan.today)),
            )
    return rows


def _place_id(plan: Plan, place: int) -> int:
    return plan.municipality_ids[place]


# --- Visits ------------------------------------------------------------------------------------
def visits_chunk(plan: Plan, chunk: int, first: int, end: int) -> Rows:
    rng, t, rows = _rng(plan, "visits", chunk), tables(), Rows(plan.now)
    for v in range(first, end):
        e = plan.visit_employer[v]
        place = plan.employer_place[e]
        employer_id, contact_id, _ = employer_ids(plan, e)
        visit_id = plan.base["visit"] + v
        starts, status = plan.visit_start[v], plan.visit_status[v]
        caseworker = _caseworker(rng, plan, place)
        created = starts - datetime.timedelta(days=rng.randint(7, 60))
        rows.add(
            t["visit"],
            visit_id,
            employer_id,
            starts,
            rng.choice([60, 90, 90, 120]),
            "Kennismaken met het bedrijf en de mogelijkheden.",
            contact_id if rng.random() < 0.7 else None,
            status,
            rng.randint(4, 10),
            caseworker,
            created,
            starts if status != "planned" else created,
        )
        rows.add(t["visit_staff"], visit_id, caseworker, created)
        if rng.random() < 0.4 and plan.aldermen[place] != caseworker:
            rows.add(t["visit_staff"], visit_id, plan.aldermen[place], created)
        if status == "held":
            if rng.random() < 0.7:
                rows.add(
                    t["visit_report"],
                    visit_id,
                    "Open sfeer, ruimte voor een ontwikkelplek in het najaar.",
                    caseworker,
                    starts + datetime.timedelta(days=rng.randint(0, 5)),
                )
            if rng.random() < 0.3:
                due = starts.date() + datetime.timedelta(days=rng.randint(7, 30))
                done = due < plan.today and rng.random() < 0.8
                rows.add(
                    t["visit_action"],
                    visit_id,
                    "Kandidaten voorstellen",
                    caseworker,
                    due,
                    done,
                    starts + datetime.timedelta(days=5) if done else None,
                    starts,
                )
    return rows


# --- People ------------------------------------------------------------------------------------
class Person:
    """One person's rows, written while walking through their history in time."""

    def __init__(self, plan: Plan, rng: random.Random, rows: Rows, clock: Clock, p: int):
        self.plan, self.rng, self.rows, self.clock, self.t = plan, rng, rows, clock, tables()
        self.p = p
        self.id = plan.base["jobseeker"] + p
        self.place = plan.place_index(rng)
        self.caseworker = _caseworker(rng, plan, self.place)
        self.employers = plan.employers_of[self.place]
        self.consents: dict[str, list[tuple[datetime.date, datetime.date]]] = {}
        self.openings_proposed: set[int] = set()
        self.n = {name: 0 for name in SLOTS}

    def slot(self, name: str) -> int | None:
        """The id of this person's next row of ``name``, or None when their slots are used."""
        if self.n[name] >= SLOTS[name]:
            return None
        self.n[name] += 1
        return self.plan.base[name] + SLOTS[name] * self.p + self.n[name] - 1

    def consenting(self, kind: str, day: datetime.date) -> bool:
        return any(a <= day <= b for a, b in self.consents.get(kind, ()))

    def at(self, day: datetime.date) -> datetime.datetime:
        return self.clock.at(
            min(day, self.plan.today), self.rng.randint(8, 17), self.rng.randrange(60)
        )


def people_chunk(plan: Plan, chunk: int, first: int, end: int) -> Rows:
    rng, clock, rows = _rng(plan, "people", chunk), Clock(), Rows(plan.now)
    for p in range(first, end):
        _person(Person(plan, rng, rows, clock, p))
    return rows


def _person(me: Person) -> None:  # noqa: C901 - one person's history, told in order
    plan, rng, t, today = me.plan, me.rng, me.t, me.plan.today
    joined = _day_between(rng, plan.start, today)
    bsn = synthetic_bsn(BSN_OFFSET + me.p)
    postcode, _ = _postcode(rng, plan, me.place)

    # Consents, renewed now and then; some withdrawn.
    for kind, share in (("share_profile", 0.7), ("join_visits", 0.6), ("introduction", 0.4)):
        if rng.random() >= share:
            continue
        given = _day_between(rng, joined, min(today, joined + 30 * DAY))
        while True:
            until = given + 730 * DAY
            withdrawn = None
            if rng.random() < 0.08:
                withdrawn = _day_between(rng, given, min(until, today))
            me.rows.add(
                t["consent"], me.id, kind, given, until, withdrawn, me.caseworker, me.at(given)
            )
            me.consents.setdefault(kind, []).append(
                (given, (withdrawn - DAY) if withdrawn else until)
            )
            if withdrawn or until >= today or rng.random() < 0.3:
                break
            given = until + DAY

    # Visits: sign-ups while consenting, clicks at held visits.
    visits, days = plan.visits_of[me.place], plan.visit_days_of[me.place]
    signed_up = set()
    for given, until in me.consents.get("join_visits", ()) if visits else ():
        if until < given:
            continue
        lo = bisect.bisect_left(days, max(given, joined))
        hi = bisect.bisect_right(days, until)
        for _ in range(rng.choice([0, 1, 1, 2, 3]) if hi > lo else 0):
            v = visits[rng.randrange(lo, hi)]
            visit_id = plan.base["visit"] + v
            if plan.visit_status[v] == "cancelled" or visit_id in signed_up:
                continue
            signed_up.add(visit_id)
            signed = plan.visit_start[v] - datetime.timedelta(days=rng.randint(1, 6))
            me.rows.add(t["signup"], visit_id, me.id, me.caseworker, signed)
            if plan.visit_status[v] == "held" and rng.random() < 0.3:
                me.rows.add(
                    t["click"],
                    visit_id,
                    me.id,
                    me.caseworker,
                    plan.visit_start[v] + datetime.timedelta(hours=2),
                )

    # Proposals for vacancies while sharing the profile; a refusal has a reason.
    for given, until in me.consents.get("share_profile", ()) if me.employers else ():
        if until < given:
            continue
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            opening_id = employer_ids(plan, rng.choice(me.employers))[2][1]
            proposal_id = None if opening_id in me.openings_proposed else me.slot("proposals")
            if proposal_id is None:
                continue
            me.openings_proposed.add(opening_id)
            proposed = _day_between(rng, given, min(until, today))
            answer = rng.choices(["pending", "interested", "not_now", "no"], [20, 35, 25, 20])[0]
            answered = min(proposed + rng.randint(1, 14) * DAY, today)
            me.rows.add(
                t["proposal"],
                proposal_id,
                me.id,
                opening_id,
                me.caseworker,
                me.at(proposed),
                "Heeft ervaring die hier past.",
                rng.randint(30, 95),
                answer,
                "Past nu niet in het rooster." if answer in ("not_now", "no") else "",
                None if answer == "pending" else me.at(answered),
                False,
                None,
                _place_id(plan, me.place),
            )

    # The pipeline: placements one after another, jobs, maybe leaving.
    status, left_on, last_activity, pending = "active", None, joined, False
    moment = joined + rng.randint(14, 120) * DAY
    n_placements = rng.choices([0, 1, 2, 3], [20, 40, 28, 12])[0]
    for _ in range(n_placements):
        start = moment + rng.randint(14, 200) * DAY
        if start > today + 60 * DAY or not me.employers:
            break
        e = rng.choice(me.employers)
        employer_id, contact_id, opening_ids = employer_ids(plan, e)
        opening_id = opening_ids[0]
        placement_id = me.slot("placements")
        if placement_id is None:
            break
        proposal_id = None
        proposed = start - rng.randint(14, 45) * DAY
        if me.consenting("share_profile", proposed) and opening_id not in me.openings_proposed:
            proposal_id = me.slot("proposals")
        if proposal_id is not None:
            me.openings_proposed.add(opening_id)
            answered = min(proposed + rng.randint(1, 10) * DAY, today)
            me.rows.add(
                t["proposal"],
                proposal_id,
                me.id,
                opening_id,
                me.caseworker,
                me.at(proposed),
                "Past goed bij de leerdoelen.",
                rng.randint(40, 95),
                "interested",
                "",
                me.at(answered),
                True,
                me.at(answered),
                _place_id(plan, me.place),
            )
        months = settings.PLACEMENT_DEFAULT_MONTHS
        planned_end = add_months(start, months)
        original_end, extensions = None, 0
        started_on = ended_on = None
        outcome, end_reason = "", ""
        if start > today:
            p_status = rng.choice(["proposed", "agreed"])
        else:
            started_on = start
            if rng.random() < 0.15:
                original_end, extensions = planned_end, 1
                planned_end = add_months(planned_end, months)
            if planned_end > today:
                if rng.random() < 0.15:
                    p_status = "ended_early"
                    ended_on = _day_between(rng, start, today)
                else:
                    p_status = "active"
            elif rng.random() < 0.8:
                p_status, ended_on = "completed", planned_end
            else:
                p_status = "ended_early"
                ended_on = _day_between(rng, start + 7 * DAY, planned_end - DAY)
            if p_status == "completed":
                outcome = rng.choices(
                    ["paid_job_here", "paid_job_elsewhere", "training", "none"], [35, 10, 15, 40]
                )[0]
            elif p_status == "ended_early":
                outcome = rng.choices(["paid_job_elsewhere", "none"], [20, 80])[0]
                end_reason = "Past toch niet bij de persoon."
        checked = p_status != "proposed"
        created = proposed + DAY
        me.rows.add(
            t["placement"],
            placement_id,
            me.id,
            employer_id,
            opening_id,
            proposal_id,
            contact_id,
            me.caseworker,
            start,
            planned_end,
            original_end,
            rng.choice([16, 20, 24, 32]),
            rng.choice(LEARNING_GOALS),
            True,
            started_on is not None,
            checked,
            me.caseworker if checked else None,
            me.at(created) if checked else None,
            p_status,
            extensions,
            started_on,
            ended_on,
            end_reason,
            outcome,
            me.caseworker,
            me.at(created),
            me.at(ended_on or started_on or created),
            _place_id(plan, me.place),
        )
        if started_on is not None:
            last = min(ended_on or today, today)
            for _ in range(rng.randint(0, 2)):
                day = _day_between(rng, started_on, last)
                me.rows.add(
                    t["checkin"],
                    placement_id,
                    day,
                    "Gaat goed, werkt mee in het team.",
                    me.caseworker,
                    me.at(day),
                )
            mid = start + (planned_end - start) / 2
            moments = ["midterm"] if mid <= last else []
            if p_status == "completed":
                moments.append("final")
            for moment_name in moments:
                day = mid if moment_name == "midterm" else ended_on
                for evaluator in ("caseworker", "supervisor"):
                    if rng.random() < 0.9:
                        me.rows.add(
                            t["evaluation"],
                            placement_id,
                            moment_name,
                            evaluator,
                            day,
                            "Maakt goede voortgang op de leerdoelen.",
                            rng.randint(2, 5),
                            me.caseworker,
                            me.at(day),
                        )
        last_activity = max(last_activity, min(ended_on or started_on or proposed, today))
        if p_status == "active":
            status = "in_placement"
            break
        if p_status in ("proposed", "agreed"):
            pending = True
            break
        moment = ended_on
        if outcome in ("paid_job_here", "paid_job_elsewhere"):
            job_start = ended_on + rng.randint(1, 14) * DAY
            if job_start <= today:
                here = outcome == "paid_job_here"
                ended = _job(
                    me, job_start, "placement", employer_id if here else None, placement_id
                )
                if ended is None:
                    status = "working"
                    break
                moment = ended
        last_activity = max(last_activity, min(moment, today))

    if status == "active" and not pending and rng.random() < 0.42:
        job_start = moment + rng.randint(30, 400) * DAY
        if job_start <= today:
            route = rng.choices(["visit", "buddy", "referral", "direct"], [30, 15, 15, 40])[0]
            employer_id = None
            if me.employers and rng.random() < 0.5:
                employer_id = employer_ids(plan, rng.choice(me.employers))[0]
            ended = _job(me, job_start, route, employer_id, None)
            status = "working" if ended is None else "active"
            last_activity = max(last_activity, ended or job_start)
            moment = max(moment, ended or job_start)

    if status in ("active", "working") and rng.random() < 0.12:
        day = moment + rng.randint(10, 200) * DAY
        if day <= today:
            status, left_on = "left", day
            last_activity = max(last_activity, day)

    # Buddies, with meetings and introductions.
    if rng.random() < 0.2:
        buddy_id = me.slot("buddies")
        start = _day_between(rng, joined, today)
        end = None
        if rng.random() < 0.5:
            end = start + rng.randint(30, 365) * DAY
            if end > today:
                end = None
        b_status = "ended" if end else rng.choice(["active", "active", "paused"])
        buddy_employer = rng.choice(me.employers) if me.employers and rng.random() < 0.5 else None
        me.rows.add(
            t["buddy"],
            buddy_id,
            me.id,
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "Ondernemersvereniging",
            plan.base["employer"] + buddy_employer if buddy_employer is not None else None,
            "Netwerk opbouwen en solliciteren oefenen.",
            start,
            end,
            b_status,
            me.caseworker,
            me.at(start),
        )
        last = end or today
        for _ in range(rng.randint(0, 5)):
            day = _day_between(rng, start, last)
            me.rows.add(
                t["meeting"],
                buddy_id,
                day,
                rng.choice(["walk_along", "network_event", "talk"]),
                "",
                me.at(day),
            )
        for _ in range(rng.randint(0, 3)):
            day = _day_between(rng, start, last)
            me.rows.add(
                t["introduction"],
                buddy_id,
                day,
                rng.choice(FIRST_NAMES),
                f"Bedrijf {rng.choice(LAST_NAMES)}",
                None,
                rng.choice(["pending", "conversation", "visit", "nothing"]),
                me.at(day),
            )

    # Notes and the audit trail: about ten rows per person, nationally five million.
    author = me.caseworker
    for _ in range(rng.randint(1, 9)):
        day = _day_between(rng, joined, today)
        me.rows.add(t["note"], me.id, rng.choice(NOTES), author, me.at(day))
    email = plan.user_emails[author]
    for n in range(rng.randint(1, 9)):
        day = joined if n == 0 else _day_between(rng, joined, today)
        action = "create" if n == 0 else rng.choice(AUDIT_ACTIONS)
        me.rows.add(
            t["audit"],
            me.at(day),
            author,
            email,
            action,
            "jobseekers.JobSeeker",
            str(me.id),
            f"jobseekers.JobSeeker #{me.id}",
            "{}",
        )

    # The person, last: their status follows from all of the above.
    skills = rng.sample(plan.skills, k=min(len(plan.skills), rng.randint(1, 5)))
    interests = rng.sample(plan.interests, k=min(len(plan.interests), rng.randint(0, 3)))
    for skill in skills:
        me.rows.add(t["jobseeker_skill"], me.id, skill)
    for skill in interests:
        me.rows.add(t["jobseeker_interest"], me.id, skill)
    age_days = rng.randint(18 * 365, 66 * 365)
    benefit = rng.choices(["pw", "ww", "ioaw", "wajong", "wia", "none"], [60, 15, 5, 8, 7, 5])[0]
    me.rows.add(
        t["jobseeker"],
        me.id,
        rng.choice(FIRST_NAMES),
        rng.choice(LAST_NAMES),
        crypto.encrypt(bsn),
        crypto.keyed_hash(bsn),
        today - age_days * DAY,
        f"persoon{me.p}@example.org",
        postcode,
        _place_id(plan, me.place),
        me.caseworker,
        benefit,
        None if benefit == "none" else joined - rng.randint(0, 700) * DAY,
        rng.randint(1, 6),
        rng.choice(["none", "vmbo", "mbo1", "mbo2_4", "mbo2_4", "havo_vwo", "hbo", "foreign"]),
        rng.choice(EXPERIENCE),
        rng.choice([8, 16, 24, 24, 32, 36, 40]),
        rng.random() < 0.5,
        rng.random() < 0.3,
        rng.choice([5, 10, 15, 15, 25, 40]),
        rng.choice(["a1", "a2", "b1", "b1", "b2", "c1", "native", "native"]),
        status,
        left_on,
        me.at(joined),
        me.at(last_activity),
    )


def _job(me: Person, start: datetime.date, route: str, employer_id, placement_id):
    """A job from ``start``; returns the day it ended, or None while it lasts (``start`` when
    the person's job slots are used up and no job was made: they stay looking)."""
    rng, t, today = me.rng, me.t, me.plan.today
    job_id = me.slot("jobs")
    if job_id is None:
        return start
    end = None
    if rng.random() < 0.25:
        end = start + rng.randint(30, 500) * DAY
        if end > today:
            end = None
    me.rows.add(
        t["job"],
        job_id,
        me.id,
        employer_id,
        "" if employer_id else "Elders BV",
        placement_id,
        rng.choice(["permanent", "fixed_term", "fixed_term", "temp_agency", "on_call"]),
        rng.choice([12, 20, 24, 32, 36, 38]),
        start,
        rng.choice(["minimum", "up_to_120", "above_120", ""]),
        route,
        me.caseworker,
        me.at(start),
        end,
        "Contract niet verlengd." if end else "",
        me.at(end or start),
    )
    for months in settings.JOB_RETENTION_CHECK_MONTHS:
        mark = add_months(start, months)
        if mark > today or rng.random() >= 0.85:
            continue
        me.rows.add(
            t["job_check"],
            job_id,
            months,
            mark,
            not (end is not None and end < mark),
            rng.choice(["caseworker", "employer"]),
            me.caseworker,
            me.at(mark),
        )
    return end
