"""The SQL of the roll-up: every figure defined once, as a source of events.

A source names its tables (``from_sql``), the municipality and the day an event counts for, the
moment its rows last changed (``changed``) and the figures it adds, each a condition and a weight.
From the same definition we build

- the aggregation: per (municipality, day), ``COUNT(*) FILTER (WHERE ...)`` for each figure,
  all sources stacked with UNION ALL and summed in one GROUP BY; and
- the change detection: the days of rows changed since the watermark ("dirty days").

Nothing here knows about pages or tasks; ``stats.services`` runs it in a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from baanbrekers.models import User
from employers.models import Employer
from jobseekers.models import JobSeeker
from placements.models import (
    BuddyPairing,
    DevelopmentPlacement,
    Introduction,
    JobCheck,
    JobOutcome,
    JobRoute,
    Proposal,
)
from visits.models import Click, Visit, VisitSignUp, VisitStaff

from .models import COUNT_FIELDS, DailyFigures

TIME_ZONE = "Europe/Amsterdam"


def _since(column: str) -> str:
    return f"{column} >= %(since)s"


def _local_date(column: str) -> str:
    return f"(({column}) AT TIME ZONE %(tz)s)::date"


@dataclass(frozen=True)
class Figure:
    name: str
    condition: str = "TRUE"
    weight: str | None = None  # None: count rows


@dataclass(frozen=True)
class Source:
    """``changed`` lists the conditions under which a row changed at or after %(since)s, one
    per timestamp it depends on (a row changed when any of them holds). Kept apart, each can be
    answered from the few rows changed (an index on the timestamp, a foreign key), where one
    GREATEST() over all of them would have to be computed for every row of every source."""

    label: str
    from_sql: str
    municipality: str
    day: str
    changed: tuple[str, ...]
    figures: list[Figure] = field(default_factory=list)


V = Visit._meta.db_table
E = Employer._meta.db_table
JS = JobSeeker._meta.db_table
U = User._meta.db_table
STAFF = VisitStaff._meta.db_table
SIGNUP = VisitSignUp._meta.db_table
CLICK = Click._meta.db_table
PROPOSAL = Proposal._meta.db_table
PLACEMENT = DevelopmentPlacement._meta.db_table
JOB = JobOutcome._meta.db_table
CHECK = JobCheck._meta.db_table
BUDDY = BuddyPairing._meta.db_table
INTRO = Introduction._meta.db_table

# A job seeker "left benefits for work" when they had a benefit and their first paid job started.
_HAD_BENEFIT = "js.benefit_type NOT IN ('none', '')"
# Still working 6 or 12 months after the first job started: the answers to the job's checks
# (placements.JobCheck) only. A first job recorded as ended before the mark needs no question:
# its answer is known ("no"). Nobody answered yet: counted as due, not as answered.


def _retention_due(months: int) -> str:
    return f"{_HAD_BENEFIT} AND f.first_start + INTERVAL '{months} months' <= %(as_of)s"


def _ended_before(months: int) -> str:
    return f"f.first_end < f.first_start + INTERVAL '{months} months'"


SOURCES: list[Source] = [
    Source(
        label="visits",
        from_sql=f"{V} v JOIN {E} e ON e.id = v.employer_id",
        municipality="e.municipality_id",
        day=_local_date("v.starts_at"),
        changed=(
            _since("v.updated_at"),
            _since("e.updated_at"),
            f"v.id IN (SELECT s.visit_id FROM {STAFF} s WHERE s.added_at >= %(since)s)",
        ),
        figures=[
            Figure("visits_held", "v.status = 'held'"),
            Figure(
                "alderman_visits",
                f"v.status = 'held' AND EXISTS (SELECT 1 FROM {STAFF} s JOIN {U} u "
                "ON u.id = s.user_id WHERE s.visit_id = v.id AND u.role = 'alderman')",
            ),
        ],
    ),
    Source(
        label="sign-ups",
        from_sql=(
            f"{SIGNUP} su JOIN {V} v ON v.id = su.visit_id JOIN {JS} js ON js.id = su.jobseeker_id"
        ),
        municipality="js.municipality_id",
        day=_local_date("v.starts_at"),
        changed=(_since("su.created_at"), _since("v.updated_at"), _since("js.updated_at")),
        figures=[Figure("visit_jobseekers", "v.status = 'held'")],
    ),
    Source(
        label="clicks",
        from_sql=f"{CLICK} c JOIN {V} v ON v.id = c.visit_id JOIN {JS} js ON js.id = c.jobseeker_id",
        municipality="js.municipality_id",
        day=_local_date("v.starts_at"),
        changed=(_since("c.created_at"), _since("v.updated_at"), _since("js.updated_at")),
        figures=[Figure("clicks")],
    ),
    Source(
        label="proposals",
        from_sql=f"{PROPOSAL} p JOIN {JS} js ON js.id = p.jobseeker_id",
        municipality="js.municipality_id",
        day=_local_date("p.proposed_at"),
        changed=(_since("p.proposed_at"), _since("p.answered_at"), _since("js.updated_at")),
        figures=[Figure("proposals")],
    ),
    Source(
        label="answers",
        from_sql=f"{PROPOSAL} p JOIN {JS} js ON js.id = p.jobseeker_id",
        municipality="js.municipality_id",
        day=_local_date("p.answered_at"),
        changed=(_since("p.proposed_at"), _since("p.answered_at"), _since("js.updated_at")),
        figures=[
            Figure("proposals_interested", "p.answer = 'interested'"),
            Figure("proposals_not_now", "p.answer = 'not_now'"),
            Figure("proposals_declined", "p.answer = 'no'"),
        ],
    ),
    Source(
        label="placement starts",
        from_sql=f"{PLACEMENT} pl JOIN {JS} js ON js.id = pl.jobseeker_id",
        municipality="js.municipality_id",
        day="pl.started_on",
        changed=(_since("pl.updated_at"), _since("js.updated_at")),
        figures=[Figure("placements_started")],
    ),
    Source(
        label="placement ends",
        from_sql=f"{PLACEMENT} pl JOIN {JS} js ON js.id = pl.jobseeker_id",
        municipality="js.municipality_id",
        day="pl.ended_on",
        changed=(_since("pl.updated_at"), _since("js.updated_at")),
        # A placement ended before it started never counted as active, so it never ends either.
        figures=[
            Figure("placements_completed", "pl.status = 'completed' AND pl.started_on IS NOT NULL"),
            Figure(
                "placements_ended_early", "pl.status = 'ended_early' AND pl.started_on IS NOT NULL"
            ),
        ],
    ),
    Source(
        label="jobs",
        # Any new job of a person marks all their job days: the first job (outflow) may move.
        from_sql=f"{JOB} j JOIN {JS} js ON js.id = j.jobseeker_id",
        municipality="js.municipality_id",
        day="j.start_date",
        changed=(
            f"j.jobseeker_id IN (SELECT jobseeker_id FROM {JOB} WHERE created_at >= %(since)s)",
            _since("js.updated_at"),
        ),
        figures=[Figure(f"jobs_{route}", f"j.route = '{route}'") for route in JobRoute.values],
    ),
    Source(
        label="buddy starts",
        from_sql=f"{BUDDY} b JOIN {JS} js ON js.id = b.jobseeker_id",
        municipality="js.municipality_id",
        day="b.start_date",
        changed=(_since("b.created_at"), _since("js.updated_at")),
        figures=[Figure("buddy_pairs_started")],
    ),
    Source(
        label="buddy ends",
        from_sql=f"{BUDDY} b JOIN {JS} js ON js.id = b.jobseeker_id",
        municipality="js.municipality_id",
        day="b.end_date",
        changed=(_since("b.created_at"), _since("js.updated_at")),
        figures=[Figure("buddy_pairs_ended")],
    ),
    Source(
        label="introductions",
        from_sql=(
            f"{INTRO} i JOIN {BUDDY} b ON b.id = i.pairing_id JOIN {JS} js ON js.id = b.jobseeker_id"
        ),
        municipality="js.municipality_id",
        day="i.introduced_on",
        changed=(_since("i.created_at"), _since("js.updated_at")),
        figures=[Figure("introductions")],
    ),
    Source(
        label="outflow",
        # One row per person: their first job (the outflow), its answers at 6 and 12 months.
        from_sql=(
            "(SELECT DISTINCT ON (jobseeker_id) jobseeker_id, id AS first_job_id, "
            "start_date AS first_start, end_date AS first_end "
            f"FROM {JOB} ORDER BY jobseeker_id, start_date, id) f "
            f"JOIN {JS} js ON js.id = f.jobseeker_id "
            f"LEFT JOIN {CHECK} c6 ON c6.job_id = f.first_job_id AND c6.months = 6 "
            f"LEFT JOIN {CHECK} c12 ON c12.job_id = f.first_job_id AND c12.months = 12"
        ),
        municipality="js.municipality_id",
        day="f.first_start",
        changed=(
            f"f.jobseeker_id IN (SELECT jobseeker_id FROM {JOB} WHERE updated_at >= %(since)s)",
            _since("js.updated_at"),
            _since("c6.created_at"),
            _since("c12.created_at"),
        ),
        figures=[
            Figure("outflow", _HAD_BENEFIT),
            Figure(
                "days_to_work_total",
                _HAD_BENEFIT,
                weight=f"GREATEST(f.first_start - {_local_date('js.created_at')}, 0)",
            ),
            *(
                figure
                for months, check in ((6, "c6"), (12, "c12"))
                for figure in (
                    Figure(f"retention_{months}m_due", _retention_due(months)),
                    Figure(
                        f"retention_{months}m_answered",
                        f"{_retention_due(months)} AND ({check}.id IS NOT NULL "
                        f"OR {_ended_before(months)})",
                    ),
                    Figure(
                        f"retention_{months}m_working",
                        f"{_retention_due(months)} AND {check}.still_working IS TRUE",
                    ),
                )
            ),
        ],
    ),
]

_KNOWN = {f.name for s in SOURCES for f in s.figures}
assert set(COUNT_FIELDS) == _KNOWN, _KNOWN ^ set(COUNT_FIELDS)


def _source_select(source: Source, *, only_days: bool) -> str:
    mine = {f.name: f for f in source.figures}
    columns = []
    for name in COUNT_FIELDS:
        figure = mine.get(name)
        if figure is None:
            columns.append(f"0 AS {name}")
        elif figure.weight is None:
            columns.append(f"COUNT(*) FILTER (WHERE {figure.condition}) AS {name}")
        else:
            columns.append(
                f"COALESCE(SUM({figure.weight}) FILTER (WHERE {figure.condition}), 0) AS {name}"
            )
    where = f"{source.day} IS NOT NULL AND {source.municipality} IS NOT NULL"
    if only_days:
        where += f" AND {source.day} = ANY(%(days)s::date[])"
    return (
        f"SELECT {source.municipality} AS municipality_id, {source.day} AS day, "
        f"{', '.join(columns)} FROM {source.from_sql} WHERE {where} GROUP BY 1, 2"
    )


def aggregate_sql(*, only_days: bool) -> str:
    """SELECT municipality_id, day, <every figure> for all days or for %(days)s only."""
    union = "\nUNION ALL\n".join(_source_select(s, only_days=only_days) for s in SOURCES)
    sums = ", ".join(f"SUM({name})::integer AS {name}" for name in COUNT_FIELDS)
    any_nonzero = " OR ".join(f"SUM({name}) > 0" for name in COUNT_FIELDS)
    return (
        f"SELECT municipality_id, day, {sums} FROM ({union}) events "
        f"GROUP BY municipality_id, day HAVING {any_nonzero}"
    )


def insert_sql(*, only_days: bool, upsert: bool) -> str:
    table = DailyFigures._meta.db_table
    columns = ", ".join(["municipality_id", "day", *COUNT_FIELDS, "rolled_up_at"])
    names = ", ".join(["municipality_id", "day", *COUNT_FIELDS])
    sql = (
        f"INSERT INTO {table} ({columns}) "
        f"SELECT {names}, %(run_at)s FROM ({aggregate_sql(only_days=only_days)}) agg"
    )
    if upsert:
        updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in [*COUNT_FIELDS, "rolled_up_at"])
        sql += f" ON CONFLICT (municipality_id, day) DO UPDATE SET {updates}"
    return sql


def dirty_days_sql() -> str:
    """The days of rows changed at or after %(since)s, over every source (qualifying or not:
    a visit that is no longer 'held' must leave its day too). One part per source and
    timestamp (``Source.changed``); UNION drops the duplicates."""
    parts = [
        f"SELECT {s.day} AS day FROM {s.from_sql} WHERE {s.day} IS NOT NULL AND {condition}"
        for s in SOURCES
        for condition in s.changed
    ]
    return "\nUNION\n".join(parts)
