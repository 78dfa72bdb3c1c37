"""The one beat: django-celery-beat's database scheduler behind a Redis lock.

Exactly one beat may schedule. Kubernetes runs one (replicas 1, strategy Recreate), but a second
one started by mistake (a `docker compose up` beside the cluster, a rollout that overlaps, an
operator's `celery beat` in a shell) would send every periodic task twice. So every beat uses
this scheduler (settings.CELERY_BEAT_SCHEDULER): before each tick it takes or extends a lock in
Redis (``<CACHE_KEY_PREFIX>:celery-beat-lock``, a time-to-live of ``BEAT_LOCK_TTL`` seconds).
Only the holder schedules; any other beat idles, says in its log which beat holds the lock, and
takes over once the holder stops (at once when it shuts down cleanly, which releases the lock;
after the time-to-live when it was killed).

Concurrency: the lock is extended at every tick and a tick never sleeps longer than a third of
the time-to-live, so a healthy holder never loses it. A holder that finds its lock gone (Redis
restarted, the process paused longer than the time-to-live) stops scheduling at once and joins
the queue. A beat that cannot reach Redis schedules nothing (the broker lives there too). On
taking over, the schedule is read afresh from the database (last run times included: the
holder saves them after every task it sends), so a handover repeats at most the task that was
in flight; every task is safe to run twice (docs/CONVENTIONS.md).

Liveness: every tick, holder or not, touches a heartbeat file; the orchestrator's probe runs
``python -m baanbrekers.beat alive`` (exit 1 when the last tick is older than ``--max-age``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HEARTBEAT_FILE = Path(tempfile.gettempdir()) / "baanbrekers-beat.alive"


def heartbeat_age(path: Path | None = None) -> float | None:
    """Seconds since the beat's last tick, or None when it never ticked."""
    try:
        return time.time() - (path or HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    """``python -m baanbrekers.beat alive [--max-age SECONDS]``: the beat's liveness probe.

    Kept free of Django and Celery imports: a probe runs every half minute."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m baanbrekers.beat")
    parser.add_argument("command", choices=["alive"])
    parser.add_argument("--max-age", type=float, default=120.0)
    args = parser.parse_args(argv)
    age = heartbeat_age()
    if age is None:
        print(f"beat: no heartbeat at {HEARTBEAT_FILE}")
        return 1
    if age > args.max_age:
        print(f"beat: last tick {age:.0f} s ago (more than {args.max_age:.0f} s)")
        return 1
    print(f"beat: last tick {age:.0f} s ago")
    return 0


if __name__ == "__main__":  # before the imports below: the probe needs none of them
    sys.exit(main())

import logging  # noqa: E402
import socket  # noqa: E402
import uuid  # noqa: E402

import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django_celery_beat.schedulers import DatabaseScheduler  # noqa: E402
from redis.exceptions import LockError, RedisError  # noqa: E402

logger = logging.getLogger(__name__)

# How often a waiting beat repeats that it waits (it says so at once when it starts waiting).
WAITING_LOG_EVERY = 300.0


def lock_key() -> str:
    return f"{settings.CACHES['default']['KEY_PREFIX']}:celery-beat-lock"


class LockedDatabaseScheduler(DatabaseScheduler):
    """DatabaseScheduler that schedules only while it holds the beat lock in Redis."""

    def __init__(self, *args, **kwargs):
        self.lock_ttl = float(settings.BEAT_LOCK_TTL)
        # Who holds the lock, for the log of a waiting beat: host and process, made unique.
        self.lock_token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._redis = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=5
        )
        # Not thread-local: close() may run in another thread than the ticks (an embedded beat).
        self._lock = self._redis.lock(
            lock_key(), timeout=self.lock_ttl, blocking=False, thread_local=False
        )
        self._holding = False
        self._waiting_logged_at: float | None = None
        self._unreachable_logged_at: float | None = None
        super().__init__(*args, **kwargs)
        # Save last run times after every task sent: a beat that takes over after this one was
        # killed then repeats at most the task that was in flight.
        self.sync_every_tasks = 1

    # -- the lock ------------------------------------------------------------------------------
    def _lock_hold(self) -> bool:
        """Take or extend the lock; True while this beat may schedule."""
        try:
            if self._holding:
                self._lock.reacquire()  # back to the full time-to-live; raises when lost
                return True
            if self._lock.acquire(token=self.lock_token):
                self._holding = True
                self._waiting_logged_at = None
                # Whatever this beat read while it waited is stale: read the schedule afresh.
                self._initial_read = True
                logger.info(
                    "beat: holds the beat lock %s (%s); scheduling", lock_key(), self.lock_token
                )
                return True
        except LockError:
            logger.warning(
                "beat: lost the beat lock %s (%s); no longer scheduling",
                lock_key(),
                self.lock_token,
            )
            self._holding = False
        except RedisError as exc:
            now, last = time.monotonic(), self._unreachable_logged_at
            if self._holding or last is None or now - last >= WAITING_LOG_EVERY:
                self._unreachable_logged_at = now
                logger.warning("beat: Redis unreachable (%s); scheduling nothing", exc)
            self._holding = False
            return False
        self._waiting_log()
        return False

    def _waiting_log(self) -> None:
        now = time.monotonic()
        if (
            self._waiting_logged_at is not None
            and now - self._waiting_logged_at < WAITING_LOG_EVERY
        ):
            return
        self._waiting_logged_at = now
        try:
            holder = self._redis.get(lock_key())
        except RedisError:
            holder = None
        logger.info(
            "beat: another beat holds the beat lock %s (%s); waiting, scheduling nothing",
            lock_key(),
            holder.decode() if holder else "unknown",
        )

    def _lock_release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        try:
            self._lock.release()
            logger.info("beat: released the beat lock %s", lock_key())
        except (LockError, RedisError):
            pass  # expired or unreachable: the time-to-live frees it all the same

    # -- the scheduler -------------------------------------------------------------------------
    def tick(self, *args, **kwargs) -> float:
        try:
            HEARTBEAT_FILE.touch()
        except OSError as exc:  # no writable temporary folder: only the probe goes without
            if not getattr(self, "_heartbeat_warned", False):
                logger.warning("beat: cannot write the heartbeat %s: %s", HEARTBEAT_FILE, exc)
                self._heartbeat_warned = True
        most = self.lock_ttl / 3
        if not self._lock_hold():
            return most
        return min(super().tick(*args, **kwargs), most)

    def close(self) -> None:
        try:
            super().close()  # saves the last run times first
        finally:
            self._lock_release()
