"""Use cases of the statistics: rolling up the figures (incrementally or in full)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from placements.services import add_months

from . import rollup
from .models import DailyFigures, RollupState

# Changes are seen by their timestamps; a transaction that began before a run may commit after
# it with older timestamps. Re-reading this much before the watermark is cheap and idempotent.
WATERMARK_OVERLAP = datetime.timedelta(minutes=10)
# Some changes leave no timestamp (a buddy pairing ended, a staff attendee removed, a row
# deleted). The last days are always recomputed, and beat runs a full rebuild every night.
RECENT_DAYS = 14
# Filtering on a long list of days costs as much as reading everything: past this many dirty
# days, the incremental run recomputes all days instead (same result, less work).
FULL_REBUILD_ABOVE_DAYS = 365


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


def figures_rebuild(*, as_of: datetime.date | None = None) -> RollupResult:
    """Recompute every day of every municipality in one transaction.

    Readers keep seeing the previous figures until the commit. Safe to run at any time and as
    often as wanted; concurrent runs (full or incremental) wait for each other.
    """
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    run_at = timezone.now()
    with transaction.atomic():
        state = _state_locked()
        with connection.cursor() as cursor:
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


def _replace_all(cursor, as_of: datetime.date, run_at: datetime.datetime) -> int:
    cursor.execute(f"DELETE FROM {DailyFigures._meta.db_table}")
    cursor.execute(rollup.insert_sql(only_days=False, upsert=False), _params(as_of, run_at=run_at))
    return cursor.rowcount


def _retention_days(previous: datetime.date, as_of: datetime.date) -> list[datetime.date]:
    """Days whose 6- or 12-month mark passed between the previous reference date and this one."""
    days: list[datetime.date] = []
    for months in (6, 12):
        start = add_months(previous, -months) + datetime.timedelta(days=1)
        end = add_months(as_of, -months)
        day = start
        while day <= end:
            days.append(day)
            day += datetime.timedelta(days=1)
    return days


def figures_update(*, as_of: datetime.date | None = None) -> RollupResult:
    """Recompute only the days that changed since the last run (and the last RECENT_DAYS).

    The first run (no watermark yet) is a full rebuild. Each recomputed day is replaced as a
    whole: rows are upserted (INSERT ... ON CONFLICT) and rows of those days that no longer
    have any figure are deleted, so a rerun gives the same table as a full rebuild.
    """
    as_of = as_of or timezone.localdate()
    state = RollupState.objects.filter(pk=1).first()
    if state is None or state.watermark is None:
        return figures_rebuild(as_of=as_of)
    started = time.monotonic()
    run_at = timezone.now()
    with transaction.atomic():
        state = _state_locked()
        since = state.watermark - WATERMARK_OVERLAP
        with connection.cursor() as cursor:
            cursor.execute(rollup.dirty_days_sql(), _params(as_of, since=since))
            days = {row[0] for row in cursor.fetchall()}
            days.update(as_of - datetime.timedelta(days=n) for n in range(RECENT_DAYS + 1))
            days.update(_retention_days(state.as_of or as_of, as_of))
            day_list = sorted(days)
            full = len(day_list) > FULL_REBUILD_ABOVE_DAYS
            if full:
                rows = _replace_all(cursor, as_of, run_at)
                state.last_full_rebuild_at = run_at
            else:
                rows = _upsert_days(cursor, as_of, run_at, day_list)
        seconds = time.monotonic() - started
        state.watermark = run_at
        state.as_of = as_of
        state.last_run_at = run_at
        state.last_run_days = len(day_list)
        state.last_run_seconds = seconds
        state.save()
    return RollupResult(full=full, days=len(day_list), rows=rows, seconds=seconds)


def _upsert_days(
    cursor, as_of: datetime.date, run_at: datetime.datetime, day_list: list[datetime.date]
) -> int:
    """Replace the figures of these days: upsert what there is, delete what is gone."""
    cursor.execute(
        rollup.insert_sql(only_days=True, upsert=True),
        _params(as_of, days=day_list, run_at=run_at),
    )
    rows = cursor.rowcount
    cursor.execute(
        f"DELETE FROM {DailyFigures._meta.db_table} "
        "WHERE day = ANY(%(days)s::date[]) AND rolled_up_at <> %(run_at)s",
        {"days": day_list, "run_at": run_at},
    )
    return rows
