"""``python -m bench load --size region``: only the load step of ``bench run``, for quick iteration.

Starts gunicorn with the bench settings (as ``bench run``: 2 sync workers, no Celery worker),
signs the caseworker in through the login form and runs locust against the trivial page
(anonymous, the issue's baseline, and signed in as the caseworker) and the job-seeker list, one
after the other, plus any ``--path`` given (as the caseworker). Prints the requests per second of
each and its ratio to both trivial pages (the issue's target for the list: 0.5 of the anonymous
one; the signed-in one shows what any page of the app pays before its own work), and the CPU time the server spent per request: gunicorn's workers ("app") and the
PostgreSQL backends serving the bench database ("db"). On a busy machine requests per second
move with the neighbours' load; CPU per request much less so.
"""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import urlsplit

from . import runner


class CpuSampler:
    """CPU time (user + system) of a changing set of processes, sampled every 0.2 s, so that a
    process that exits during the run (a database connection at CONN_MAX_AGE) still counts with
    what it used until its last sample; a process that appears counts from zero."""

    def __init__(self, find) -> None:
        self.find = find
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self, *, initial: bool = False) -> None:
        import psutil

        for process in self.find():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                used = times.user + times.system
                self.first.setdefault(process.pid, used if initial else 0.0)
                self.last[process.pid] = used

    def _loop(self) -> None:
        while not self._stop.wait(0.2):
            with contextlib.suppress(Exception):
                self._sample()

    def __enter__(self) -> CpuSampler:
        self._sample(initial=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()

    @property
    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _web_workers(pid: int):
    return lambda: runner._process_tree(pid)[1:]


def _db_backends(database_url: str):
    """The PostgreSQL server processes connected to the bench database (this machine only)."""
    import psutil
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    admin = database_url.rsplit("/", 1)[0] + "/postgres"
    conn = psycopg.connect(admin, autocommit=True)
    query = "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"

    def find() -> list:
        found = []
        for (pid,) in conn.execute(query, [name]).fetchall():
            with contextlib.suppress(psutil.Error):
                found.append(psutil.Process(pid))
        return found

    find.close = conn.close
    return find


def main(options: runner.Options, extra_paths: list[str], *, rounds: int = 1) -> int:
    log = options.log
    prepared = runner.prepare(options, with_smtp=False)
    from django.db import connections

    from . import dataset

    _loader, subjects = runner.data(options, prepared)
    connections.close_all()
    env, port = prepared["env"], prepared["port"]
    base = f"http://127.0.0.1:{port}"
    web = None
    try:
        web = runner.start_gunicorn(env, port)
        runner.wait_for_http(base, web)
        session = runner.login(base, subjects.caseworker, dataset.PASSWORD)
        cookie = session.cookies["sessionid"]
        # The trivial page twice: anonymous (the baseline) and signed in (what every page
        # of the app pays before its own work: the session from Redis, the user from PostgreSQL).
        targets = [
            ("trivial", "/bench/trivial/", ""),
            ("trivial_signed_in", "/bench/trivial/", cookie),
            ("jobseeker_list", "/jobseekers/", cookie),
        ]
        targets += [(path, path, cookie) for path in extra_paths]
        # Every worker serves each path a few times before anything is measured.
        for _, path, with_cookie in targets:
            for _ in range(runner.GUNICORN_WORKERS * 3):
                client = session if with_cookie else session.__class__()
                client.get(base + path, timeout=120, allow_redirects=False)
        log(f"load: locust, {options.load_users} users, {options.load_seconds} s each ...")
        results: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
        workers, backends = _web_workers(web.pid), _db_backends(prepared["url"])
        for _ in range(rounds):
            for name, path, with_cookie in targets:
                with CpuSampler(workers) as app, CpuSampler(backends) as db:
                    result = runner.load_rps(
                        base, path, with_cookie,
                        seconds=options.load_seconds, users=options.load_users,
                    )  # fmt: skip
                served = max(result["requests"], 1)
                result["app_cpu_ms"] = app.seconds * 1000 / served
                result["db_cpu_ms"] = db.seconds * 1000 / served
                results[name].append(result)
                log(
                    f"  {name:<24} {result['rps']:>7.1f} req/s  p50 {result['p50_ms']:>5} ms"
                    f"  p95 {result['p95_ms']:>5} ms  failures {result['failures']}"
                    f"  CPU/request app {result['app_cpu_ms']:.1f} ms"
                    f" db {result['db_cpu_ms']:.1f} ms"
                )
        for baseline in ("trivial", "trivial_signed_in"):
            trivial = results[baseline]
            trivial_rps = sum(r["rps"] for r in trivial)
            trivial_cpu = sum(r["app_cpu_ms"] + r["db_cpu_ms"] for r in trivial) / len(trivial)
            for name, measured in results.items():
                if name in ("trivial", baseline) or not trivial_rps:
                    continue
                ratio = sum(r["rps"] for r in measured) / trivial_rps
                cpu = sum(r["app_cpu_ms"] + r["db_cpu_ms"] for r in measured) / len(measured)
                log(
                    f"ratio {name} / {baseline}: {ratio:.3f} req/s"
                    f" (CPU per request: {trivial_cpu / cpu if cpu else 0:.3f})"
                )
        backends.close()
    finally:
        runner.stop_process(web)
    return 0
