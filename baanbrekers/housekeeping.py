"""The nightly housekeeping: jobs that remove what the platform may no longer keep.

The apps own their jobs and register them in ``AppConfig.ready()`` (this package imports none
of them): the job seekers' retention (``jobseekers.services.jobseekers_anonymise_inactive``),
the portal's expired invitations and stale claims (``portal.retention``). One Celery task,
``baanbrekers.housekeeping`` (baanbrekers/tasks.py, beat entry ``housekeeping-nightly`` in
settings.CELERY_BEAT_SCHEDULE), runs them all.

Every job must be idempotent and safe to run twice or at the same time: it decides from the
database what is still to do and locks what it changes. A job that fails does not stop the
others; the run reports it and the task fails, so the next night (or a retry) tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Job = Callable[[], int]
_JOBS: dict[str, Job] = {}


class HousekeepingFailed(Exception):
    """Some jobs failed; the others ran. ``outcomes`` holds what each did."""

    def __init__(self, failed: list[str], outcomes: dict[str, int]):
        super().__init__(f"housekeeping jobs failed: {', '.join(failed)}")
        self.failed = failed
        self.outcomes = outcomes


def housekeeping_register(name: str, job: Job) -> None:
    """Registers (or replaces) ``job``, a function without arguments that returns how many
    records it removed or anonymised."""
    _JOBS[name] = job


def housekeeping_jobs() -> dict[str, Job]:
    return dict(_JOBS)


def housekeeping_run(*, only: list[str] | None = None) -> dict[str, int]:
    """Runs every registered job (or those named in ``only``); returns {name: count}. Raises
    HousekeepingFailed after running the rest when one or more failed."""
    outcomes: dict[str, int] = {}
    failed: list[str] = []
    for name, job in _JOBS.items():
        if only is not None and name not in only:
            continue
        try:
            outcomes[name] = job()
        except Exception:
            logger.exception("housekeeping job %s failed", name)
            failed.append(name)
    logger.info("housekeeping: %s", outcomes)
    if failed:
        raise HousekeepingFailed(failed, outcomes)
    return outcomes
