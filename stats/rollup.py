"""The SQL of the roll-up: every figure defined once, as a source of events.

A source names its tables (``from_sql``), the day an event counts for, the person it is about
(``person``, whose municipality is the job seeker's; visits are about an employer and name the
``municipality``), the moment its rows last changed (``changed``) and the figures it adds, each
a condition and a weight. From the same definition we build, all set-based (one statement per
step, no per-row Python):

- the figures of each person per day (``person_figures_sql``): each event a row of 1s (or its
  weight), the person sources stacked with UNION ALL and summed per (person, day); stored
  in stats.PersonFigures, so that a changed person's old contribution is known;
- the visit figures per (municipality, day) (``visit_figures_sql``);
- the daily figures: the person rows summed per (municipality, day) beside the visit figures;
- the change detection: the people whose rows changed since the watermark (``changed_persons
  _sql``) and the days of changed visits (``dirty_visit_days_sql``).

Nothing here knows about pages or tasks; ``stats.services`` runs it in a transaction.
"""

from __future__ import annotations

import datetime
import zoneinfo
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
    day: str
    changed: tuple[str, ...]
    figures: list[Figure] = field(default_factory=list)
    # The job seeker a row is about, a column of the source's own table (its index finds the
    # rows of some people); their municipality is the job seeker's, joined once for all
    # sources (person_figures_sql): a join per source read the job seekers eleven times.
    # None: the source counts per employer (visits), in ``municipality``.
    person: str | None = None
    municipality: str | None = None
    # The moment whose local date is ``day``: an incremental run finds the rows of a day by
    # the range of that day on its index instead of computing the day of every row.
    moment: str | None = None
    # Change detection over cheaper tables than ``from_sql`` (same aliases for ``person`` and
    # ``changed``; ``detect_day``: a superset of the days a row can count on). None: from_sql.
    detect_from: str | None = None
    detect_day: str | None = None
    # Its rows change without a timestamp (a buddy pairing's end date is set in place, and
    # pairings have no updated_at): the people with such a row in the last days are
    # recomputed at every run.
    untimed: bool = False

    def persons_filter(self, persons: str) -> str:
        """The condition limiting the rows to some people (``persons``, see PERSONS)."""
        if persons == "all" or ONLY_PERSONS in self.from_sql:
            # Filtered inside (``tables``); twice, the planner took the outflow's jobs for a
            # handful and tested every job of the country against the list (4 s at national).
            return "TRUE"
        return PERSONS[persons].format(self.person)

    def detection(self) -> tuple[str, str]:
        return (self.detect_from or self.from_sql, self.detect_day or self.day)

    def tables(self, *, persons: str = "all") -> str:
        """``from_sql``, limited to ``persons`` where the source itself can use it."""
        where = "" if persons == "all" else "WHERE " + PERSONS[persons].format("jobseeker_id")
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
        # The aldermen as a lookup per visit: as EXISTS in the figure's condition the planner
        # hashed the staff of every visit of the country (200,000 rows) for a few days' visits.
        from_sql=(
            f"{V} v JOIN {E} e ON e.id = v.employer_id LEFT JOIN LATERAL (SELECT TRUE AS present "
            f"FROM {STAFF} s JOIN {U} u ON u.id = s.user_id WHERE s.visit_id = v.id "
            "AND u.role = 'alderman' LIMIT 1) alderman ON TRUE"
        ),
        municipality="e.municipality_id",
        day=_local_date("v.starts_at"),
        moment="v.starts_at",
        changed=(
            _since("v.updated_at"),
            _since("e.updated_at"),
            f"v.id IN (SELECT s.visit_id FROM {STAFF} s WHERE s.added_at >= %(since)s)",
        ),
        person=None,
        figures=[
            Figure("visits_held", "v.status = 'held'"),
            Figure("alderman_visits", "v.status = 'held' AND alderman.present"),
        ],
    ),
    Source(
        label="sign-ups",
        from_sql=f"{SIGNUP} su JOIN {V} v ON v.id = su.visit_id",
        person="su.jobseeker_id",
        day=_local_date("v.starts_at"),
        changed=(_since("su.created_at"), _since("v.updated_at")),
        figures=[Figure("visit_jobseekers", "v.status = 'held'")],
    ),
    Source(
        label="clicks",
        from_sql=f"{CLICK} c JOIN {V} v ON v.id = c.visit_id",
        person="c.jobseeker_id",
        day=_local_date("v.starts_at"),
        changed=(_since("c.created_at"), _since("v.updated_at")),
        figures=[Figure("clicks")],
    ),
    Source(
        label="proposals",
        from_sql=f"{PROPOSAL} p",
        person="p.jobseeker_id",
        day=_local_date("p.proposed_at"),
        changed=(_since("p.proposed_at"), _since("p.answered_at")),
        figures=[Figure("proposals")],
    ),
    Source(
        label="answers",
        from_sql=f"{PROPOSAL} p",
        person="p.jobseeker_id",
        day=_local_date("p.answered_at"),
        changed=(_since("p.proposed_at"), _since("p.answered_at")),
        figures=[
            Figure("proposals_interested", "p.answer = 'interested'"),
            Figure("proposals_not_now", "p.answer = 'not_now'"),
            Figure("proposals_declined", "p.answer = 'no'"),
        ],
    ),
    Source(
        label="placement starts",
        from_sql=f"{PLACEMENT} pl",
        person="pl.jobseeker_id",
        day="pl.started_on",
        changed=(_since("pl.updated_at"),),
        figures=[Figure("placements_started")],
    ),
    Source(
        label="placement ends",
        from_sql=f"{PLACEMENT} pl",
        person="pl.jobseeker_id",
        day="pl.ended_on",
        changed=(_since("pl.updated_at"),),
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
        from_sql=f"{JOB} j",
        person="j.jobseeker_id",
        day="j.start_date",
        changed=(
            f"j.jobseeker_id IN (SELECT jobseeker_id FROM {JOB} WHERE created_at >= %(since)s)",
        ),
        figures=[Figure(f"jobs_{route}", f"j.route = '{route}'") for route in JobRoute.values],
    ),
    Source(
        label="buddy starts",
        from_sql=f"{BUDDY} b",
        person="b.jobseeker_id",
        day="b.start_date",
        changed=(_since("b.created_at"),),
        figures=[Figure("buddy_pairs_started")],
    ),
    Source(
        label="buddy ends",
        from_sql=f"{BUDDY} b",
        person="b.jobseeker_id",
        day="b.end_date",
        changed=(_since("b.created_at"),),
        untimed=True,
        figures=[Figure("buddy_pairs_ended")],
    ),
    Source(
        label="introductions",
        from_sql=f"{INTRO} i JOIN {BUDDY} b ON b.id = i.pairing_id",
        person="b.jobseeker_id",
        day="i.introduced_on",
        changed=(_since("i.created_at"),),
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
        person="f.jobseeker_id",
        day="f.first_start",
        changed=(
            f"f.jobseeker_id IN (SELECT jobseeker_id FROM {JOB} WHERE updated_at >= %(since)s)",
            _since("c6.created_at"),
            _since("c12.created_at"),
        ),
        # Detection need not find the first job: every job of a person, and its checks.
        detect_from=(
            f"{JOB} f LEFT JOIN {CHECK} c6 ON c6.job_id = f.id LEFT JOIN {CHECK} c12 ON c12.id = c6.id"
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
assert all(s.moment for s in VISIT_SOURCES)  # visit_figures_sql(spans=...)
assert {f.name for s in PERSON_SOURCES for f in s.figures} == set(PERSON_FIELDS)


# Which people a statement of person rows is about: all, those of %(persons)s (an incremental
# run), or the ids from %(first_person)s up to %(after_person)s (a batch of a full rebuild).
PERSONS = {
    "listed": "{0} = ANY(%(persons)s)",
    "range": "{0} >= %(first_person)s AND {0} < %(after_person)s",
}


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


def _row_values(source: Source, names: list[str]) -> str:
    # One row per event, its figures as 1 (or the weight) or NULL, summed once for all sources:
    # NULL is skipped by SUM, and a GROUP BY per source first cost as much again.
    mine = {f.name: f for f in source.figures}
    columns = []
    for name in names:
        figure = mine.get(name)
        if figure is None:
            columns.append(f"NULL::integer AS {name}")
        else:
            value = "1" if figure.weight is None else f"({figure.weight})"
            if figure.condition != "TRUE":
                value = f"CASE WHEN {figure.condition} THEN {value} END"
            columns.append(f"{value} AS {name}")
    return ", ".join(columns)


def _counts_anything(source: Source) -> str:
    """A row of the source counts in some figure (rows that count nowhere are not read on)."""
    conditions = [f.condition for f in source.figures]
    if "TRUE" in conditions:
        return "TRUE"
    return " OR ".join(f"({c})" for c in dict.fromkeys(conditions))


def person_figures_sql(*, persons: str = "all") -> str:
    """SELECT jobseeker_id, day, municipality_id, <each person figure, NULL for 0>: for every
    person, or some (``persons``: a key of PERSONS). The rows of stats.PersonFigures."""
    parts = []
    for source in PERSON_SOURCES:
        where = f"{source.day} IS NOT NULL AND ({_counts_anything(source)})"
        if persons != "all":
            where += f" AND {source.persons_filter(persons)}"
        parts.append(
            f"SELECT {source.person} AS jobseeker_id, {source.day} AS day, "
            f"{_row_values(source, PERSON_FIELDS)} "
            f"FROM {source.tables(persons=persons)} WHERE {where}"
        )
    union = "\nUNION ALL\n".join(parts)
    sums = ", ".join(f"NULLIF(SUM({name}), 0)::integer AS {name}" for name in PERSON_FIELDS)
    mine = "" if persons == "all" else " AND " + PERSONS[persons].format("js.id")
    # A person's municipality is one per run (js.municipality_id), so (person, day) is a key.
    return (
        f"SELECT e.jobseeker_id, e.day, js.municipality_id, {sums} FROM ({union}) e "
        f"JOIN {JS} js ON js.id = e.jobseeker_id WHERE js.municipality_id IS NOT NULL{mine} "
        f"GROUP BY e.jobseeker_id, e.day, js.municipality_id HAVING {_any_nonzero(PERSON_FIELDS)}"
    )


def person_insert_sql(*, persons: str = "all", into: str = PERSON_TABLE) -> str:
    # In key order: the primary key's index then grows at its end, where rows in the order of
    # a hash each went to a page of their own (millions at a full rebuild).
    columns = ", ".join(["jobseeker_id", "day", "municipality_id", *PERSON_FIELDS])
    return f"INSERT INTO {into} ({columns}) {person_figures_sql(persons=persons)} ORDER BY 1, 2"


def visit_figures_sql(*, spans: int | None = None) -> str:
    """SELECT municipality_id, day, <the visit figures> for all days, or for the days of
    ``spans`` runs of days only: %(span_from_<n>)s (local midnight of its first day) up to
    %(span_until_<n>)s (local midnight after its last day), n from 0, see ``day_spans``."""
    parts = []
    for source in VISIT_SOURCES:
        tables = source.from_sql
        where = f"{source.day} IS NOT NULL AND {source.municipality} IS NOT NULL"
        if spans is not None:
            # The days as ranges of moments, the values written out: an index range scan with
            # a true estimate of the rows. A test of the day computed for every row read every
            # visit of the country at each run, and ranges computed in SQL were estimated at
            # a third of the table (so every employer and staff row was hashed).
            ranges = " OR ".join(
                f"({source.moment} >= %(span_from_{n})s AND {source.moment} < %(span_until_{n})s)"
                for n in range(spans)
            )
            where += f" AND ({ranges or 'FALSE'})"
        parts.append(
            f"SELECT {source.municipality} AS municipality_id, {source.day} AS day, "
            f"{_counts(source, VISIT_FIELDS)} FROM {tables} WHERE {where} GROUP BY 1, 2"
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
        f"FROM ({visit_figures_sql()}) v"
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
    values = ", ".join(f"n.{c}" for c in ["municipality_id", "day", *COUNT_FIELDS])
    # One MERGE updates and inserts in a single join of the two tables (an UPDATE and an
    # INSERT ... NOT EXISTS joined them twice: 600,000 rows each at national size).
    return [
        f"DELETE FROM {table} f WHERE NOT EXISTS (SELECT 1 FROM {new_table} n WHERE {same_key})",
        f"MERGE INTO {table} f USING {new_table} n ON {same_key} "
        f"WHEN MATCHED AND ({differs}) THEN UPDATE SET {updates}, rolled_up_at = %(run_at)s "
        f"WHEN NOT MATCHED THEN INSERT ({columns}, rolled_up_at) VALUES ({values}, %(run_at)s)",
    ]


def day_spans(days: list) -> dict:
    """The parameters of ``visit_figures_sql(spans=len(result) // 2)`` for ``days``: each run
    of consecutive days as the moments from its first local midnight to the one after it."""
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    runs: list[list] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == datetime.timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    params = {}
    for n, (first, last) in enumerate(runs):
        params[f"span_from_{n}"] = datetime.datetime.combine(first, datetime.time(), zone)
        after = last + datetime.timedelta(days=1)
        params[f"span_until_{n}"] = datetime.datetime.combine(after, datetime.time(), zone)
    return params


def visit_days_upsert_sql(new_table: str) -> str:
    """Set the visit figures of the days in ``new_table`` (made from ``visit_figures_sql`` with
    ``day_spans``; other figures untouched), writing only rows that differ: the recent days are
    recomputed at every run and mostly found right. Then ``visit_days_clear_sql``."""
    columns = ", ".join(["municipality_id", "day", *COUNT_FIELDS, "rolled_up_at"])
    values = ", ".join(n if n in VISIT_FIELDS else "0" for n in COUNT_FIELDS)
    updates = ", ".join(f"{n} = EXCLUDED.{n}" for n in [*VISIT_FIELDS, "rolled_up_at"])
    differs = " OR ".join(f"f.{n} <> EXCLUDED.{n}" for n in VISIT_FIELDS)
    return (
        f"INSERT INTO {FIGURES_TABLE} AS f ({columns}) "
        f"SELECT municipality_id, day, {values}, %(run_at)s FROM {new_table} "
        f"ON CONFLICT (municipality_id, day) DO UPDATE SET {updates} WHERE {differs}"
    )


def visit_days_clear_sql(new_table: str) -> str:
    """Zero the visit figures of the rows of %(days)s that no longer have any."""
    zero = ", ".join(f"{n} = 0" for n in VISIT_FIELDS)
    return (
        f"UPDATE {FIGURES_TABLE} f SET {zero}, rolled_up_at = %(run_at)s "
        f"WHERE day = ANY(%(days)s::date[]) AND ({_any_nonzero(VISIT_FIELDS, '{} <> 0')}) "
        f"AND NOT EXISTS (SELECT 1 FROM {new_table} n "
        "WHERE n.municipality_id = f.municipality_id AND n.day = f.day)"
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
    parts = [f"SELECT id FROM {JS} js WHERE {_since('js.updated_at')}"]
    for source in PERSON_SOURCES:
        tables, day = source.detection()
        parts += [f"SELECT {source.person} FROM {tables} WHERE {c}" for c in source.changed]
        if source.untimed:
            parts.append(
                f"SELECT {source.person} FROM {tables} "
                f"WHERE {day} BETWEEN %(recent_from)s AND %(as_of)s"
            )
    parts.append(f"SELECT jobseeker_id FROM {JOB} WHERE start_date = ANY(%(retention)s::date[])")
    # Sources over the same tables (proposals and answers, ...) would ask the same twice.
    return "\nUNION\n".join(dict.fromkeys(parts))


def dirty_visit_days_sql() -> str:
    """The days of visits changed at or after %(since)s (held or not: a visit that is no
    longer 'held' must leave its day too)."""
    parts = [
        f"SELECT {s.day} AS day FROM {s.from_sql} WHERE {s.day} IS NOT NULL AND {condition}"
        for s in VISIT_SOURCES
        for condition in s.changed
    ]
    return "\nUNION\n".join(dict.fromkeys(parts))
