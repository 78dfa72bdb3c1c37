"""Use cases of the statistics: rolling up the figures (incrementally or in full)."""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from placements.services import add_months

from . import rollup
from .models import RollupState

logger = logging.getLogger(__name__)

# The longest a run may take, its SQL included. The tasks' soft time limit (stats.tasks) is a
# little longer; the database is told the time left before each statement (statement_timeout),
# so a run that is too slow stops in the server as well: when Celery's limit stopped only the
# worker, the INSERT ran on in PostgreSQL for half an hour (issue 14).
ROLLUP_TIME_LIMIT = 59 * 60

# Changes are seen by their timestamps; a transaction that began before a run may commit after
# it with older timestamps. Re-reading this much before the watermark is cheap and idempotent.
WATERMARK_OVERLAP = datetime.timedelta(minutes=10)
# Some changes leave no timestamp (a buddy pairing ended, a staff attendee removed, a row
# deleted). The visit figures of the last days and the people with a buddy pairing ending in
# them are always recomputed; beat runs a full rebuild every night, which catches the rest
# (deleted rows, an introduction's date edited).
RECENT_DAYS = 14
# Filtering visits on a long list of days costs as much as reading them all: past this many
# dirty days of visits, or this many changed people, the incremental run rebuilds everything
# instead (same result, less work).
FULL_REBUILD_ABOVE_DAYS = 365
FULL_REBUILD_ABOVE_PERSONS = 50_000
# A full rebuild computes the people's rows for this many job-seeker ids at a time.
REBUILD_BATCH_PERSONS = 100_000


@dataclass(frozen=True)
class RollupResult:
    full: bool
    days: int
    rows: int
    seconds: float


def _state_locked() -> RollupState:
    # The row lock serialises runs: a second run waits, then finds little left to do.
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _params(as_of: datetime.date, **extra) -> dict:
    return {"tz": rollup.TIME_ZONE, "as_of": as_of, **extra}


class RollupTimedOut(Exception):
    """A run took longer than its time limit: the database stopped it, nothing was written and
    the previous figures stay. Not retried (a retry would take as long); the next run (or the
    nightly rebuild) tries again."""


class _TimedCursor:
    """A cursor whose every statement stops at the run's deadline, in the server as well: before
    each one the database is told the time left (SET LOCAL statement_timeout, which ends with
    the transaction). A run's few large statements make the extra round trip negligible."""

    def __init__(self, cursor, deadline: float) -> None:
        self._cursor = cursor
        self.deadline = deadline

    def limit(self) -> None:
        left_ms = max(1, int((self.deadline - time.monotonic()) * 1000))
        self._cursor.execute(f"SET LOCAL statement_timeout = {left_ms}")

    def execute(self, sql: str, params: dict | None = None) -> None:
        self.limit()
        self._cursor.execute(sql, params)

    def fetchall(self) -> list:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


@contextlib.contextmanager
def _time_limited(kind: str, time_limit: float):
    """Yields a _TimedCursor in a new transaction (or savepoint); a statement stopped by the
    time limit rolls the whole run back and becomes RollupTimedOut, logged as an error."""
    started = time.monotonic()
    try:
        with transaction.atomic(), connection.cursor() as raw:
            cursor = _TimedCursor(raw, started + time_limit)
            cursor.limit()
            yield cursor
            # Inside a caller's transaction, a SET LOCAL would outlive this run.
            raw.execute("SET LOCAL statement_timeout = DEFAULT")
    except DatabaseError as error:
        if getattr(error.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        seconds = time.monotonic() - started
        logger.error(
            "Statistics roll-up (%s) stopped by the database after %.1f s: its time limit is "
            "%.0f s (statement_timeout). Nothing was written; the previous figures stay.",
            kind,
            seconds,
            time_limit,
        )
        raise RollupTimedOut(
            f"statistics roll-up ({kind}) stopped after {seconds:.1f} s, limit {time_limit:.0f} s"
        ) from error


def figures_rebuild(
    *, as_of: datetime.date | None = None, time_limit: float = ROLLUP_TIME_LIMIT
) -> RollupResult:
    """Recompute every day of every municipality in one transaction.

    Readers keep seeing the previous figures until the commit. Safe to run at any time and as
    often as wanted; concurrent runs (full or incremental) wait for each other (the wait counts
    towards ``time_limit``). Past ``time_limit`` seconds the run stops, in the database too,
    and raises RollupTimedOut, leaving the previous figures.
    """
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    run_at = timezone.now()
    with _time_limited("full rebuild", time_limit) as cursor:
        state = _state_locked()
        rows = _replace_all(cursor, as_of, run_at)
        seconds = time.monotonic() - started
        state.watermark = run_at
        state.as_of = as_of
        state.last_full_rebuild_at = run_at
        state.last_run_at = run_at
        state.last_run_days = 0
        state.last_run_seconds = seconds
        state.save()
    return RollupResult(full=True, days=0, rows=rows, seconds=seconds)


def _fast_sql(cursor) -> None:
    # The roll-up's statements are large (27 figures x 12 sources) and run once: compiling
    # them (JIT) took longer than running them (3.7 of 6.4 s at region size). Its hash
    # aggregates hold a row per person and day: in memory rather than in batches on disk.
    cursor.execute("SET LOCAL jit = off")
    cursor.execute("SET LOCAL work_mem = '128MB'")


def _replace_all(cursor, as_of: datetime.date, run_at: datetime.datetime) -> int:
    """Every person's rows anew, then the daily figures from them and the visits (writing
    only the rows that changed). Returns the number of rows of daily figures."""
    _fast_sql(cursor)
    params = _params(as_of, run_at=run_at)
    cursor.execute(f"TRUNCATE {rollup.PERSON_TABLE}")
    cursor.execute(f"SELECT MIN(id), MAX(id) FROM {rollup.JS}")
    first, last = cursor.fetchall()[0]
    # In batches of people: the rows of everyone at once (millions at national size) were
    # hashed on disk, in batches the sum of each person's events stays in memory; each batch
    # reads its part of every source through the job seeker's index.
    insert = rollup.person_insert_sql(persons="range")
    for start in range(first or 0, (last or 0) + 1, REBUILD_BATCH_PERSONS):
        batch = {"first_person": start, "after_person": start + REBUILD_BATCH_PERSONS}
        cursor.execute(insert, {**params, **batch})
    cursor.execute(f"ANALYZE {rollup.PERSON_TABLE}")
    cursor.execute(
        "CREATE TEMPORARY TABLE stats_new_figures ON COMMIT DROP AS "
        + rollup.figures_from_persons_sql(),
        params,
    )
    rows = cursor.rowcount
    for sql in rollup.replace_figures_sql("stats_new_figures"):
        cursor.execute(sql, params)
    cursor.execute("DROP TABLE stats_new_figures")
    return rows


def _retention_days(previous: datetime.date, as_of: datetime.date) -> list[datetime.date]:
    """Days whose 6- or 12-month mark passed after the previous reference date, up to this one.
    The mark is the same day months later or the month's last day (as SQL's ``+ INTERVAL``):
    31 May and 30 May both reach theirs on 30 November, so the days are tested one by one."""
    days: list[datetime.date] = []
    for months in (6, 12):
        day = add_months(previous, -months) - datetime.timedelta(days=3)
        end = add_months(as_of, -months) + datetime.timedelta(days=3)
        while day <= end:
            if previous < add_months(day, months) <= as_of:
                days.append(day)
            day += datetime.timedelta(days=1)
    return days


def figures_update(
    *, as_of: datetime.date | None = None, time_limit: float = ROLLUP_TIME_LIMIT
) -> RollupResult:
    """Recompute only what changed since the last run: the people with a changed row (and
    those with a buddy pairing ending in the last RECENT_DAYS days), and the days
    of changed visits (and the last RECENT_DAYS days).

    A changed person's stored rows (stats.PersonFigures) are taken off the daily figures and
    their rows now are added, whatever changed (a move takes their whole history along); the
    visit figures of a dirty day are set anew. Rows left without any figure are deleted, so a
    run gives the same table as a full rebuild. The first run (no watermark yet) is a full
    rebuild. ``days`` in the result: the days whose figures were touched. Concurrency and
    the time limit: as ``figures_rebuild``.
    """
    as_of = as_of or timezone.localdate()
    state = RollupState.objects.filter(pk=1).first()
    if state is None or state.watermark is None:
        return figures_rebuild(as_of=as_of, time_limit=time_limit)
    started = time.monotonic()
    run_at = timezone.now()
    with _time_limited("update", time_limit) as cursor:
        state = _state_locked()
        since = state.watermark - WATERMARK_OVERLAP
        recent = [as_of - datetime.timedelta(days=n) for n in range(RECENT_DAYS + 1)]
        params = _params(
            as_of,
            since=since,
            run_at=run_at,
            recent_from=recent[-1],
            retention=_retention_days(state.as_of or as_of, as_of),
        )
        _fast_sql(cursor)
        # An update reads few rows, through indexes, of tables the server has in memory: at
        # the default cost of a random read (4) the planner hashed every employer and every
        # visit's staff to find those of a few thousand visits.
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        cursor.execute(rollup.dirty_visit_days_sql(), params)
        visit_days = sorted({row[0] for row in cursor.fetchall()} | set(recent))
        cursor.execute(rollup.changed_persons_sql(), params)
        persons = sorted(row[0] for row in cursor.fetchall())
        full = (
            len(visit_days) > FULL_REBUILD_ABOVE_DAYS or len(persons) > FULL_REBUILD_ABOVE_PERSONS
        )
        if full:
            rows = _replace_all(cursor, as_of, run_at)
            days = 0
            state.last_full_rebuild_at = run_at
        else:
            rows, days = _update(cursor, {**params, "days": visit_days, "persons": persons})
        seconds = time.monotonic() - started
        state.watermark = run_at
        state.as_of = as_of
        state.last_run_at = run_at
        state.last_run_days = days
        state.last_run_seconds = seconds
        state.save()
    return RollupResult(full=full, days=days, rows=rows, seconds=seconds)


def _update(cursor, params: dict) -> tuple[int, int]:
    """The incremental run's writes: the visit figures of ``days``, the delta of ``persons``.
    Returns (rows written, days touched)."""
    spans = rollup.day_spans(params["days"])
    cursor.execute(
        "CREATE TEMPORARY TABLE stats_visit_days ON COMMIT DROP AS "
        + rollup.visit_figures_sql(spans=len(spans) // 2),
        {**params, **spans},
    )
    cursor.execute(rollup.visit_days_upsert_sql("stats_visit_days"), params)
    rows = cursor.rowcount
    cursor.execute(rollup.visit_days_clear_sql("stats_visit_days"), params)
    rows += cursor.rowcount
    cursor.execute("DROP TABLE stats_visit_days")
    touched = set(params["days"])
    if params["persons"]:
        cursor.execute(
            "CREATE TEMPORARY TABLE stats_new_person_figures ON COMMIT DROP "
            f"AS SELECT * FROM {rollup.PERSON_TABLE} LIMIT 0"
        )
        cursor.execute(
            rollup.person_insert_sql(persons="listed", into="stats_new_person_figures"), params
        )
        cursor.execute(
            "CREATE TEMPORARY TABLE stats_person_delta ON COMMIT DROP AS "
            + rollup.person_delta_sql("stats_new_person_figures"),
            params,
        )
        # A temporary table has no statistics: the planner took it for hundreds of rows and
        # joined it to the daily figures by reading them all. Its few rows are quickly counted.
        cursor.execute("ANALYZE stats_new_person_figures, stats_person_delta")
        # Replace only the stored rows that differ (most people "changed" without a change).
        stored = f"SELECT * FROM {rollup.PERSON_TABLE} WHERE jobseeker_id = ANY(%(persons)s)"
        cursor.execute(
            f"DELETE FROM {rollup.PERSON_TABLE} WHERE jobseeker_id = ANY(%(persons)s) "
            "AND (jobseeker_id, day) IN ("
            f"SELECT jobseeker_id, day FROM ({stored} EXCEPT "
            "SELECT * FROM stats_new_person_figures) gone)",
            params,
        )
        cursor.execute(
            f"INSERT INTO {rollup.PERSON_TABLE} SELECT * FROM stats_new_person_figures "
            f"EXCEPT {stored}",
            params,
        )
        update, insert = rollup.apply_delta_sql("stats_person_delta")
        cursor.execute(update, params)
        rows += cursor.rowcount
        cursor.execute(insert, params)
        rows += cursor.rowcount
        cursor.execute("SELECT DISTINCT day FROM stats_person_delta")
        touched.update(row[0] for row in cursor.fetchall())
        cursor.execute("DROP TABLE stats_new_person_figures, stats_person_delta")
    cursor.execute(rollup.delete_empty_sql(), {"days": sorted(touched)})
    return rows, len(touched)
