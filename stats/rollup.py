"""The SQL of the roll-up: every figure defined once, as a source of events.

A source names its tables (``from_sql``), the municipality and the day an event counts for, the
person it is about (``person``; visits are about an employer), the moment its rows last changed
(``changed``) and the figures it adds, each a condition and a weight. From the same definition
we build, all set-based (one statement per step, no per-row Python):

- the figures of each person per day (``person_figures_sql``): ``COUNT(*) FILTER (WHERE ...)``
  per figure, the person sources stacked with UNION ALL and summed per (person, day); stored
  in stats.PersonFigures, so that a changed person's old contribution is known;
- the visit figures per (municipality, day) (``visit_figures_sql``);
- the daily figures: the person rows summed per (municipality, day) beside the visit figures;
- the change detection: the people whose rows changed since the watermark (``changed_persons
  _sql``) and the days of changed visits (``dirty_visit_days_sql``).

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

from .models import COUNT_FIELDS, PERSON_FIELDS, VISIT_FIELDS, DailyFigures, PersonFigures

TIME_ZONE = "Europe/Amsterdam"


# Where a source's own subquery filters on the people of an incremental run (the outflow's
# first jobs: without it the subquery would sort every job of the country each run).
ONLY_PERSONS = "/*only_persons*/"


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
    # The job seeker a row is about; None: the source counts per employer (visits).
    person: str | None = "js.id"
    # Change detection over cheaper tables than ``from_sql`` (same aliases for ``person`` and
    # ``changed``; ``detect_day``: a superset of the days a row can count on). None: from_sql.
    detect_from: str | None = None
    detect_day: str | None = None
    # Its rows change without a timestamp (a buddy pairing's end date is set in place, and
    # pairings have no updated_at): the people with such a row in the last days are
    # recomputed at every run.
    untimed: bool = False

    def detection(self) -> tuple[str, str]:
        return (self.detect_from or self.from_sql, self.detect_day or self.day)

    def tables(self, *, only_persons: bool) -> str:
        """``from_sql``, limited to %(persons)s where the source itself can use it."""
        where = "WHERE jobseeker_id = ANY(%(persons)s)" if only_persons else ""
        return self.from_sql.replace(ONLY_PERSONS, where)


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
        person=None,
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
        untimed=True,
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
            f"FROM {JOB} {ONLY_PERSONS} ORDER BY jobseeker_id, start_date, id) f "
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
        # Detection need not find the first job: every job of a person, and its checks.
        detect_from=(
            f"{JOB} f JOIN {JS} js ON js.id = f.jobseeker_id "
            f"LEFT JOIN {CHECK} c6 ON c6.job_id = f.id LEFT JOIN {CHECK} c12 ON c12.id = c6.id"
        ),
        detect_day="f.start_date",
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


PERSON_SOURCES = [s for s in SOURCES if s.person is not None]
VISIT_SOURCES = [s for s in SOURCES if s.person is None]
assert {f.name for s in VISIT_SOURCES for f in s.figures} == set(VISIT_FIELDS)
assert {f.name for s in PERSON_SOURCES for f in s.figures} == set(PERSON_FIELDS)

FIGURES_TABLE = DailyFigures._meta.db_table
PERSON_TABLE = PersonFigures._meta.db_table


def _counts(source: Source, names: list[str]) -> str:
    # Counts as integer: SUM(integer) is a bigint, where SUM(bigint) would be a (slow) numeric.
    mine = {f.name: f for f in source.figures}
    columns = []
    for name in names:
        figure = mine.get(name)
        if figure is None:
            columns.append(f"0 AS {name}")
        elif figure.weight is None:
            columns.append(f"(COUNT(*) FILTER (WHERE {figure.condition}))::integer AS {name}")
        else:
            columns.append(
                f"COALESCE(SUM({figure.weight}) FILTER (WHERE {figure.condition}), 0)::integer "
                f"AS {name}"
            )
    return ", ".join(columns)


def _any_nonzero(names: list[str], template: str = "SUM({}) > 0") -> str:
    return " OR ".join(template.format(name) for name in names)


def person_figures_sql(*, only_persons: bool) -> str:
    """SELECT jobseeker_id, day, municipality_id, <each person figure, NULL for 0>: for every
    person, or for %(persons)s only. The rows of stats.PersonFigures."""
    parts = []
    for source in PERSON_SOURCES:
        where = f"{source.day} IS NOT NULL AND {source.municipality} IS NOT NULL"
        if only_persons:
            where += f" AND {source.person} = ANY(%(persons)s)"
        parts.append(
            f"SELECT {source.person} AS jobseeker_id, {source.day} AS day, "
            f"{source.municipality} AS municipality_id, {_counts(source, PERSON_FIELDS)} "
            f"FROM {source.tables(only_persons=only_persons)} WHERE {where} GROUP BY 1, 2, 3"
        )
    union = "\nUNION ALL\n".join(parts)
    sums = ", ".join(f"NULLIF(SUM({name}), 0)::integer AS {name}" for name in PERSON_FIELDS)
    # A person's municipality is one per run (js.municipality_id), so (person, day) is a key.
    return (
        f"SELECT jobseeker_id, day, municipality_id, {sums} FROM ({union}) events "
        f"GROUP BY jobseeker_id, day, municipality_id HAVING {_any_nonzero(PERSON_FIELDS)}"
    )


def person_insert_sql(*, only_persons: bool, into: str = PERSON_TABLE) -> str:
    columns = ", ".join(["jobseeker_id", "day", "municipality_id", *PERSON_FIELDS])
    return f"INSERT INTO {into} ({columns}) {person_figures_sql(only_persons=only_persons)}"


def visit_figures_sql(*, only_days: bool) -> str:
    """SELECT municipality_id, day, <the visit figures> for all days or for %(days)s only."""
    parts = []
    for source in VISIT_SOURCES:
        where = f"{source.day} IS NOT NULL AND {source.municipality} IS NOT NULL"
        if only_days:
            where += f" AND {source.day} = ANY(%(days)s::date[])"
        parts.append(
            f"SELECT {source.municipality} AS municipality_id, {source.day} AS day, "
            f"{_counts(source, VISIT_FIELDS)} FROM {source.from_sql} WHERE {where} GROUP BY 1, 2"
        )
    union = "\nUNION ALL\n".join(parts)
    sums = ", ".join(f"SUM({name})::integer AS {name}" for name in VISIT_FIELDS)
    return (
        f"SELECT municipality_id, day, {sums} FROM ({union}) events "
        f"GROUP BY municipality_id, day HAVING {_any_nonzero(VISIT_FIELDS)}"
    )


def figures_from_persons_sql() -> str:
    """SELECT every row of the daily figures: the stored person rows summed per (municipality,
    day), beside the visit figures."""
    person_cols = ", ".join(
        f"COALESCE({n}, 0) AS {n}" if n in PERSON_FIELDS else f"0 AS {n}" for n in COUNT_FIELDS
    )
    visit_cols = ", ".join(n if n in VISIT_FIELDS else f"0 AS {n}" for n in COUNT_FIELDS)
    sums = ", ".join(f"SUM({n})::integer AS {n}" for n in COUNT_FIELDS)
    return (
        f"SELECT municipality_id, day, {sums} FROM ("
        f"SELECT municipality_id, day, {person_cols} FROM {PERSON_TABLE} "
        f"UNION ALL SELECT municipality_id, day, {visit_cols} "
        f"FROM ({visit_figures_sql(only_days=False)}) v"
        f") events GROUP BY municipality_id, day HAVING {_any_nonzero(COUNT_FIELDS)}"
    )


def replace_figures_sql(new_table: str) -> list[str]:
    """Make the daily figures equal to ``new_table`` (made from ``figures_from_persons_sql``)
    writing only the rows that differ: a nightly rebuild mostly finds the figures right, and
    each row written costs index entries, a foreign-key check and WAL."""
    table = FIGURES_TABLE
    same_key = "f.municipality_id = n.municipality_id AND f.day = n.day"
    differs = " OR ".join(f"f.{c} <> n.{c}" for c in COUNT_FIELDS)
    updates = ", ".join(f"{c} = n.{c}" for c in COUNT_FIELDS)
    columns = ", ".join(["municipality_id", "day", *COUNT_FIELDS])
    return [
        f"DELETE FROM {table} f WHERE NOT EXISTS (SELECT 1 FROM {new_table} n WHERE {same_key})",
        f"UPDATE {table} f SET {updates}, rolled_up_at = %(run_at)s FROM {new_table} n "
        f"WHERE {same_key} AND ({differs})",
        f"INSERT INTO {table} ({columns}, rolled_up_at) SELECT {columns}, %(run_at)s "
        f"FROM {new_table} n WHERE NOT EXISTS (SELECT 1 FROM {table} f WHERE {same_key})",
    ]


def visit_days_upsert_sql() -> str:
    """Set the visit figures of %(days)s (other figures untouched); then ``visit_days_clear_sql``
    zeroes them in the rows of those days that no longer have any."""
    columns = ", ".join(["municipality_id", "day", *COUNT_FIELDS, "rolled_up_at"])
    values = ", ".join(n if n in VISIT_FIELDS else "0" for n in COUNT_FIELDS)
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in [*VISIT_FIELDS, "rolled_up_at"])
    return (
        f"INSERT INTO {FIGURES_TABLE} ({columns}) "
        f"SELECT municipality_id, day, {values}, %(run_at)s "
        f"FROM ({visit_figures_sql(only_days=True)}) agg "
        f"ON CONFLICT (municipality_id, day) DO UPDATE SET {updates}"
    )


def visit_days_clear_sql() -> str:
    zero = ", ".join(f"{n} = 0" for n in VISIT_FIELDS)
    return (
        f"UPDATE {FIGURES_TABLE} SET {zero}, rolled_up_at = %(run_at)s "
        f"WHERE day = ANY(%(days)s::date[]) AND rolled_up_at <> %(run_at)s "
        f"AND ({_any_nonzero(VISIT_FIELDS, '{} <> 0')})"
    )


def person_delta_sql(new_table: str) -> str:
    """SELECT municipality_id, day, <each person figure: new minus old> for %(persons)s: their
    rows now (``new_table``, made by ``person_insert_sql``) minus their stored rows."""
    old = ", ".join(f"-COALESCE({n}, 0) AS {n}" for n in PERSON_FIELDS)
    new = ", ".join(f"COALESCE({n}, 0)" for n in PERSON_FIELDS)
    sums = ", ".join(f"SUM({n})::integer AS {n}" for n in PERSON_FIELDS)
    return (
        f"SELECT municipality_id, day, {sums} FROM ("
        f"SELECT municipality_id, day, {old} FROM {PERSON_TABLE} "
        f"WHERE jobseeker_id = ANY(%(persons)s) "
        f"UNION ALL SELECT municipality_id, day, {new} FROM {new_table}"
        f") changes GROUP BY municipality_id, day "
        f"HAVING {_any_nonzero(PERSON_FIELDS, 'SUM({}) <> 0')}"
    )


def apply_delta_sql(delta_table: str) -> tuple[str, str]:
    """Add a delta (``person_delta_sql``) to the daily figures: UPDATE the rows there are, then
    INSERT the others (a new row holds only additions)."""
    updates = ", ".join(f"{n} = f.{n} + d.{n}" for n in PERSON_FIELDS)
    update = (
        f"UPDATE {FIGURES_TABLE} f SET {updates}, rolled_up_at = %(run_at)s FROM {delta_table} d "
        "WHERE f.municipality_id = d.municipality_id AND f.day = d.day"
    )
    columns = ", ".join(["municipality_id", "day", *COUNT_FIELDS, "rolled_up_at"])
    values = ", ".join(f"d.{n}" if n in PERSON_FIELDS else "0" for n in COUNT_FIELDS)
    insert = (
        f"INSERT INTO {FIGURES_TABLE} ({columns}) SELECT d.municipality_id, d.day, {values}, "
        f"%(run_at)s FROM {delta_table} d WHERE NOT EXISTS (SELECT 1 FROM {FIGURES_TABLE} f "
        "WHERE f.municipality_id = d.municipality_id AND f.day = d.day)"
    )
    return update, insert


def delete_empty_sql() -> str:
    """Rows of the days %(days)s left without any figure go (rows are sparse)."""
    nothing = " AND ".join(f"{n} = 0" for n in COUNT_FIELDS)
    return f"DELETE FROM {FIGURES_TABLE} WHERE day = ANY(%(days)s::date[]) AND {nothing}"


def changed_persons_sql() -> str:
    """The people with a row changed at or after %(since)s in any person source (qualifying
    or not: a proposal withdrawn must leave their figures too), with a row of an ``untimed``
    source on a day from %(recent_from)s to %(as_of)s, or with a job starting on one of
    %(retention)s (their outflow reached 6 or 12 months since the last run). One part per
    source and timestamp (``Source.changed``), each answered from the few changed rows; the
    job seeker's own timestamp once for all sources; UNION drops the duplicates."""
    own = _since("js.updated_at")
    parts = [f"SELECT id FROM {JS} js WHERE {own}"]
    for source in PERSON_SOURCES:
        tables, day = source.detection()
        parts += [
            f"SELECT {source.person} FROM {tables} WHERE {c}" for c in source.changed if c != own
        ]
        if source.untimed:
            parts.append(
                f"SELECT {source.person} FROM {tables} "
                f"WHERE {day} BETWEEN %(recent_from)s AND %(as_of)s"
            )
    parts.append(f"SELECT jobseeker_id FROM {JOB} WHERE start_date = ANY(%(retention)s::date[])")
    return "\nUNION\n".join(parts)


def dirty_visit_days_sql() -> str:
    """The days of visits changed at or after %(since)s (held or not: a visit that is no
    longer 'held' must leave its day too)."""
    parts = [
        f"SELECT {s.day} AS day FROM {s.from_sql} WHERE {s.day} IS NOT NULL AND {condition}"
        for s in VISIT_SOURCES
        for condition in s.changed
    ]
    return "\nUNION\n".join(parts)
