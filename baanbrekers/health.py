"""Health for people and for orchestrators (docs/operations.md, "Health").

- ``/healthz``: JSON for people and load balancers: database, Redis and a Celery worker.
- ``/livez``: the process answers (no database, no Redis): a failing one is restarted.
- ``/readyz``: database and Redis reachable, every migration applied: an instance that is not
  gets no traffic (during a rollout before the migration Job ran, or while Redis is away).
- ``python -m baanbrekers.health worker-alive [--max-age 60]``: the Celery worker's liveness;
  exits 0 while the heartbeat file the worker touches (baanbrekers/celery.py) is fresh.

``ProbeMiddleware`` answers these addresses (and /metrics) before the host check and the HTTPS
redirect: an orchestrator and Prometheus ask by the pod's address, over plain HTTP.
"""

import argparse
import sys
import threading
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


# /healthz needs no login: without a limit anyone could make every request broadcast a ping to
# every worker and wait up to a second for the answers. The answer is kept this long per process.
CELERY_CHECK_SECONDS = 10
_celery_answer: tuple[float, str | None, Exception | None] | None = None
_celery_lock = threading.Lock()
_clock = time.monotonic


def _ping_workers() -> str:
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


def check_celery() -> str:
    """The workers' answer to a ping, asked at most once per CELERY_CHECK_SECONDS per process
    (requests meanwhile, and those waiting for the ping in hand, get the last answer)."""
    global _celery_answer
    with _celery_lock:
        if _celery_answer is None or _clock() - _celery_answer[0] >= CELERY_CHECK_SECONDS:
            try:
                _celery_answer = (_clock(), _ping_workers(), None)
            except Exception as exc:  # noqa: BLE001 - kept and raised to each asker
                _celery_answer = (_clock(), None, exc)
        _at, answer, error = _celery_answer
    if error is not None:
        raise error
    return answer


def celery_check_forget() -> None:
    global _celery_answer
    _celery_answer = None


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


@never_cache
@require_GET
def healthz(request):
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        if name == "celery" and "redis" in failing:
            # The worker is reached through Redis; asking would only wait for the time-out.
            results[name] = "unknown: redis is down"
            failing.append(name)
            continue
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            results[name] = f"error: {type(exc).__name__}"
            failing.append(name)
    body = {
        "status": "ok" if not failing else "error",
        "checks": results,
        "failing": failing,
        "release": settings.RELEASE,
    }
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
@require_GET
def livez(request):
    """The process answers; nothing else is asked, so a slow database never restarts web pods."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# The migration check loads every migration file; probes come every few seconds per pod, so its
# answer is kept this long in the process (not in Redis: Redis may be what is down).
MIGRATIONS_CHECK_SECONDS = 5.0
_migrations_checked: tuple[float, str | None] | None = None
_migrations_lock = threading.Lock()


class MigrationsPending(RuntimeError):
    """Its message ("3 unapplied") is the one detail /readyz shows of an exception."""


def check_migrations() -> str:
    """ "ok" when the database has every migration of this code applied (raises otherwise)."""
    global _migrations_checked
    with _migrations_lock:
        cached = _migrations_checked
        if cached is None or time.monotonic() - cached[0] > MIGRATIONS_CHECK_SECONDS:
            from django.db.migrations.executor import MigrationExecutor

            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            problem = f"{len(plan)} unapplied" if plan else None
            cached = _migrations_checked = (time.monotonic(), problem)
    if cached[1]:
        raise MigrationsPending(cached[1])
    return "ok"


def migrations_check_forget() -> None:
    """Asks the database again at the next probe (tests; after running migrate in-process)."""
    global _migrations_checked
    with _migrations_lock:
        _migrations_checked = None


READINESS_CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
}


@never_cache
@require_GET
def readyz(request):
    """200 when this instance can serve; 503 with a JSON body naming what fails."""
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and "database" in failing:
            results[name] = "unknown: database is down"
            failing.append(name)
            continue
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            # Only our own message: a database error's text names hosts, ports and users, and
            # /readyz answers anyone.
            detail = str(exc) if isinstance(exc, MigrationsPending) else type(exc).__name__
            results[name] = f"error: {detail}"
            failing.append(name)
    body = {"status": "error" if failing else "ok", "checks": results, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)


class ProbeMiddleware:
    """Answers the probes and /metrics first, before the host check and the HTTPS redirect.

    Orchestrators and Prometheus reach a pod by its IP address (not in ALLOWED_HOSTS) over plain
    HTTP inside the cluster. The same views are in the URL conf; this only lets them be reached
    that way. None of them shows personal data; /metrics needs its token.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self._view(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)

    @staticmethod
    def _view(path: str):
        if path == "/livez":
            return livez
        if path == "/readyz":
            return readyz
        if path == "/healthz":
            return healthz
        if path == "/metrics":
            from .metrics import metrics_view

            return metrics_view
        return None


# --- The worker's liveness ------------------------------------------------------------------
HEARTBEAT_SECONDS = 10.0


def heartbeat_touch(path: str | None = None) -> None:
    """Called by the worker (baanbrekers/celery.py) while its consumer runs."""
    target = Path(path or settings.WORKER_HEARTBEAT_FILE)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()


def heartbeat_age(path: str | None = None) -> float | None:
    """Seconds since the worker last touched the file; None when there is none."""
    try:
        modified = Path(path or settings.WORKER_HEARTBEAT_FILE).stat().st_mtime
    except FileNotFoundError:
        return None
    return max(0.0, time.time() - modified)


def worker_alive(*, max_age: float, path: str | None = None) -> tuple[bool, str]:
    age = heartbeat_age(path)
    if age is None:
        return False, "no heartbeat file: the worker has not started (or stopped)"
    if age > max_age:
        return False, f"heartbeat is {age:.0f} s old (more than {max_age:.0f} s)"
    return True, f"heartbeat {age:.0f} s ago"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m baanbrekers.health")
    commands = parser.add_subparsers(dest="command", required=True)
    alive = commands.add_parser(
        "worker-alive", help="exit 0 while the Celery worker's heartbeat file is fresh, else 1"
    )
    alive.add_argument("--max-age", type=float, default=60.0, help="seconds (default 60)")
    alive.add_argument("--file", default=None, help="default: settings.WORKER_HEARTBEAT_FILE")
    args = parser.parse_args(argv)
    ok, message = worker_alive(max_age=args.max_age, path=args.file)
    print(message, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
