"""Background work of the statistics: the roll-up, scheduled by beat (settings.CELERY_BEAT_SCHEDULE).

Both tasks take no arguments, call a service and are safe to run twice or at the same time (the
service serialises runs on a row lock; a run replaces whole contributions of people and days,
so running it again changes nothing).
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


# A full rebuild reads five years of every source: at national size (500,000 job seekers) it took
# minutes, more than the default limit of every task (CELERY_TASK_SOFT_TIME_LIMIT, 4 minutes),
# which killed it there (docs/performance.md). An update can fall back to a full rebuild. The
# service stops its own SQL at services.ROLLUP_TIME_LIMIT (statement_timeout), a minute before
# this soft limit, so the database does not run on after the worker gave up; the minute is for
# rolling back and logging (services.RollupTimedOut, not retried).
ROLLUP_SOFT_TIME_LIMIT = services.ROLLUP_TIME_LIMIT + 60
_LIMITS = {"soft_time_limit": ROLLUP_SOFT_TIME_LIMIT, "time_limit": ROLLUP_SOFT_TIME_LIMIT + 60}


@shared_task(name="stats.figures_update", **_RETRY, **_LIMITS)
def figures_update() -> dict:
    """Every few minutes: recompute the days that changed."""
    result = services.figures_update()
    return {"full": result.full, "days": result.days, "rows": result.rows}


@shared_task(name="stats.figures_rebuild", **_RETRY, **_LIMITS)
def figures_rebuild() -> dict:
    """Every night: recompute everything, catching changes that leave no timestamp (deletions)."""
    result = services.figures_rebuild()
    return {"full": result.full, "rows": result.rows, "seconds": round(result.seconds, 2)}
