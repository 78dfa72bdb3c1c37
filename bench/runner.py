"""One benchmark run: data set, gunicorn with production settings, measurements, table and JSON.

The steps, in order (``run``):

1. a database of its own per size (``<DATABASE_URL's name>_bench_<size>``), migrated and filled
   by ``seed_scale`` (bench.dataset), with production secrets generated once for it and kept in
   ``.data/bench/<database>.json`` (the BSNs are encrypted with them);
2. gunicorn (2 workers, ``--no-control-socket``) on a free loopback port with ``bench.settings``:
   the production settings plus the query-count middleware; DEBUG off, ALLOWED_HOSTS 127.0.0.1,
   no SSL redirect or secure cookies over plain loopback HTTP, and ``MFA_REQUIRED_FOR_STAFF``
   off so the bench users sign in with a password only; a Celery worker (one process) on a
   queue of its own, and an SMTP sink for its mail;
3. every page over HTTP as a caseworker, coordinator, alderman or employer contact: wall time
   p50/p95 and the ``X-Query-Count`` header; the Django admin's lists for the same lists; each
   page's SQL captured in this process and run again alone through psycopg;
4. the job-seeker list and a trivial page under load (locust, headless, a second process);
5. matching, the statistics roll-up and follow-up sending in the worker, an import when the
   import benchmark exists, and peak memory of the web and worker processes.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import targets
from .markdown import summary

# gunicorn sync workers serving the bench (the issue measures with 2).
GUNICORN_WORKERS = 2

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
STATE_DIR = PROJECT_DIR / ".data" / "bench"


# --- Configuration ----------------------------------------------------------------------------
# The parts of a run, in order; ``--parts`` runs a subset (a national run of every part takes long).
PARTS = ("pages", "load", "matching", "rollup", "followups", "import")


@dataclass
class Options:
    size: str = "region"
    database_url: str | None = None
    requests: int = 30
    warmup: int = 5
    load_seconds: int = 20
    load_users: int = 10
    followups: int = 10_000
    import_rows: int = 50_000
    matching_runs: int = 5
    raw_runs: int = 5
    parts: tuple[str, ...] = PARTS
    output: Path | None = None
    log: object = print


def bench_database_url(size: str, base: str | None = None) -> str:
    base = base or os.environ.get(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/baanbrekers"
    )
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "baanbrekers"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{size}"))


def is_bench_database(name: str) -> bool:
    """A database the bench made and may drop: its name ends in ``_bench_<size>``."""
    from stats.scale.plan import SIZES

    head, sep, size = name.rpartition("_bench_")
    return bool(head and sep) and size in SIZES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_create(url: str) -> bool:
    """Creates the bench database if it is missing; says whether it did.

    A bench database is only reused together with the secrets it was filled with
    (``.data/bench/<database>.json``): one left by another checkout (a fresh CI clone on the same
    server) holds BSNs encrypted with keys this checkout does not have, so it is made anew."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and secrets_path(url).exists():
            return False
        if exists:
            if not is_bench_database(name):
                # Never drop a database the bench did not make: a --database-url naming the
                # platform's own database (or production's) must not lose it.
                raise SystemExit(
                    f"{name} exists and was not made by the bench (no .data/bench/{name}.json);"
                    " name a database ending in _bench_<size>, or drop it yourself"
                )
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def secrets_path(url: str) -> Path:
    return STATE_DIR / f"{urlsplit(url).path.lstrip('/')}.json"


def database_secrets(url: str) -> dict[str, str]:
    from .dataset import generated_secrets

    STATE_DIR.mkdir(parents=True, exist_ok=True)
    path = secrets_path(url)
    if path.exists():
        return json.loads(path.read_text())
    found = generated_secrets()
    path.write_text(json.dumps(found))
    path.chmod(0o600)
    return found


def bench_environment(
    *, database_url: str, secrets: dict, port: int, smtp_url: str, queue: str
) -> dict[str, str]:
    """The environment of every process of the run (this one, gunicorn, the worker)."""
    return {
        **secrets,
        # A variant of the bench settings may be named (it should import bench.settings).
        "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_SETTINGS_MODULE", "bench.settings"),
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # The bench users sign in with a password: two-factor is not what is measured.
        "MFA_REQUIRED_FOR_STAFF": "false",
        "BENCH_QUERY_COUNT": "1",
        # Thousands of API requests from one user within the hour.
        "RATE_API_USER": "10000000/hour",
        "STATIC_ROOT": str(STATE_DIR / "static"),
        "EMAIL_URL": smtp_url,
        "EMAIL_TIMEOUT": "10",
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING",
    }


# --- Processes --------------------------------------------------------------------------------
def _process_tree(pid: int) -> list:
    import psutil

    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class MemorySampler:
    """Samples the resident memory of a process's children (gunicorn's workers, Celery's pool)
    every 0.2 s and keeps the largest value seen of any one of them."""

    def __init__(self, pid: int, *, children_only: bool = True) -> None:
        self.pid, self.children_only = pid, children_only
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            tree = _process_tree(self.pid)
            for process in tree[1:] if self.children_only else tree:
                with contextlib.suppress(psutil.Error):
                    self.peak = max(self.peak, process.memory_info().rss)
            self._stop.wait(0.2)

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def reset(self) -> None:
        self.peak = 0

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "baanbrekers.wsgi:application",
        "--workers", str(GUNICORN_WORKERS), "--no-control-socket", "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--timeout", "120",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=PROJECT_DIR, env={**os.environ, **env}, start_new_session=True
    )


def start_worker(env: dict, queue: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "baanbrekers", "worker", "--loglevel=WARNING",
        "--without-mingle", "--without-gossip", "--concurrency", "1", "-Q", queue,
        "--hostname", f"bench-{os.getpid()}@localhost",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=PROJECT_DIR, env={**os.environ, **env}, start_new_session=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def stop_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def wait_for_http(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/bench/trivial/", timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


# --- HTTP measurements ------------------------------------------------------------------------
def login(base: str, email: str, password: str):
    """Signs in through the real login form (allauth); returns the requests session."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise RuntimeError(f"no login form at {base}/accounts/login/ ({page.status_code})")
    answer = session.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {email} failed ({answer.status_code})")
    return session


@dataclass
class Page:
    key: str
    label: str
    who: str
    path: str
    kind: str  # list, detail, timeline, dashboard, matches, api, other
    admin: str | None = None  # the admin changelist showing the same rows
    result: dict = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def measure(session, url: str, *, requests: int, warmup: int) -> dict:
    times, server, queries, sizes, status = [], [], set(), [], None
    for n in range(warmup + requests):
        started = time.perf_counter()
        response = session.get(url, timeout=120, allow_redirects=False)
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status_code
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        if n < warmup:
            continue
        times.append(elapsed)
        sizes.append(len(response.content))
        if "X-Query-Count" in response.headers:
            queries.add(int(response.headers["X-Query-Count"]))
        timing = re.search(r"dur=([\d.]+)", response.headers.get("Server-Timing", ""))
        if timing:
            server.append(float(timing.group(1)))
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "server_p50_ms": round(statistics.median(server), 1) if server else None,
        "queries": max(queries) if queries else None,
        "queries_varied": len(queries) > 1,
        "bytes": int(statistics.median(sizes)),
        "requests": requests,
    }


def warm_every_worker(base: str, sessions: dict, all_pages: list, rounds: int = 3) -> None:
    """Each page a few times at once, so that every gunicorn worker has served each once before
    anything is measured: a worker's first request fills per-process caches (the site, content
    types, the vocabulary), which would otherwise count as the page's queries."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    cookies = {who: session.cookies.get_dict() for who, session in sessions.items()}

    def fetch(page) -> None:
        with requests.Session() as session:
            session.cookies.update(cookies[page.who])
            with contextlib.suppress(requests.RequestException):
                session.get(base + page.path, timeout=120, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=4) as pool:
        for page in all_pages:
            list(pool.map(fetch, [page] * (GUNICORN_WORKERS * rounds)))


def pages(subjects, *, later_page: int) -> list[Page]:
    s = subjects
    return [
        # Job seekers: the caseworker's list of the densest municipality, then the coordinator's.
        Page("js_list", "job seekers, list", "caseworker", "/jobseekers/", "list"),
        Page("js_list_later", f"job seekers, page {later_page}", "caseworker",
             f"/jobseekers/?page={later_page}", "list"),
        Page("js_list_100", "job seekers, 100 rows", "caseworker", "/jobseekers/?per_page=100",
             "list"),
        Page("js_search", f"job seekers, search '{s.name_word}'", "caseworker",
             f"/jobseekers/?q={s.name_word}", "list"),
        Page("js_search_broad", "job seekers, search 'de'", "caseworker", "/jobseekers/?q=de",
             "list"),
        Page("js_filter_skill", f"job seekers, skill '{s.skill}'", "caseworker",
             f"/jobseekers/?skill={s.skill}", "list"),
        Page("js_filter", "job seekers, status + ladder", "caseworker",
             "/jobseekers/?status=active&ladder_step=3", "list"),
        Page("js_list_all", "job seekers, list (coordinator)", "coordinator", "/jobseekers/",
             "list", admin="/admin/jobseekers/jobseeker/"),
        Page("js_search_all", "job seekers, search (coordinator)", "coordinator",
             f"/jobseekers/?q={s.name_word}", "list",
             admin=f"/admin/jobseekers/jobseeker/?q={s.name_word}"),
        Page("js_filter_all", "job seekers, status (coordinator)", "coordinator",
             "/jobseekers/?status=active", "list",
             admin="/admin/jobseekers/jobseeker/?status__exact=active"),
        Page("js_detail", "job seeker, file", "caseworker", f"/jobseekers/{s.jobseeker}/",
             "detail"),
        Page("js_timeline", "job seeker, longest timeline", "caseworker",
             f"/jobseekers/{s.busiest_jobseeker}/", "timeline"),
        # Employers.
        Page("emp_list", "employers, list", "caseworker", "/employers/", "list"),
        Page("emp_list_100", "employers, 100 rows", "caseworker", "/employers/?per_page=100",
             "list"),
        Page("emp_list_all", "employers, list (coordinator)", "coordinator", "/employers/",
             "list", admin="/admin/employers/employer/"),
        Page("emp_search_all", f"employers, search '{s.employer_word}' (coordinator)",
             "coordinator", f"/employers/?q={s.employer_word}", "list",
             admin=f"/admin/employers/employer/?q={s.employer_word}"),
        Page("emp_filter_all", "employers, status (coordinator)", "coordinator",
             "/employers/?status=active", "list",
             admin="/admin/employers/employer/?status__exact=active"),
        Page("emp_detail", "employer, file", "caseworker", f"/employers/{s.employer}/", "detail"),
        # The rest of the work.
        Page("matches", "matches for an opening (dense region)", "caseworker",
             f"/placements/openings/{s.opening}/matches/", "matches"),
        Page("agenda", "visit agenda, week", "caseworker", "/visits/", "list"),
        Page("agenda_month", "visit agenda, month", "caseworker", "/visits/?view=month", "list"),
        Page("pipeline", "pipeline board", "caseworker", "/placements/", "list"),
        Page("followups", "follow-ups", "caseworker", "/followups/", "list"),
        Page("followups_all", "follow-ups (coordinator)", "coordinator", "/followups/", "list"),
        Page("portal_candidates", "portal, candidates", "employer",
             "/portal/candidates/?show=all", "list"),
        Page("dashboard", "alderman's dashboard", "alderman", "/dashboard/", "dashboard"),
        # The API's main lists.
        Page("api_jobseekers", "API job seekers", "caseworker", "/api/v1/jobseekers/", "list"),
        Page("api_jobseekers_2", "API job seekers, page 2", "caseworker",
             "/api/v1/jobseekers/?page=2", "list"),
        Page("api_employers", "API employers", "caseworker", "/api/v1/employers/", "list"),
        Page("api_visits", "API visits", "caseworker", "/api/v1/visits/", "list"),
        Page("api_proposals", "API proposals", "caseworker", "/api/v1/proposals/", "list"),
        Page("api_placements", "API placements", "caseworker", "/api/v1/placements/", "list"),
        Page("api_jobs", "API jobs", "caseworker", "/api/v1/jobs/", "list"),
    ]  # fmt: skip


# Pairs whose query counts must be equal: a later page and a longer page cost no more queries.
CONSTANT_PAIRS = [
    ("js_list", "js_list_later"),
    ("js_list", "js_list_100"),
    ("emp_list", "emp_list_100"),
    ("api_jobseekers", "api_jobseekers_2"),
]


# --- In-process: each page's SQL alone --------------------------------------------------------
def page_sql(email: str, path: str) -> list[str]:
    """The statements a page runs, captured in this process (same settings, same database)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from baanbrekers.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    client.get(path)  # warm: caches, vocabulary, geography
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in process")
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    statements = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith(skip):
            continue
        # A server-side cursor (QuerySet.iterator) is run as its plain SELECT.
        declared = _DECLARE.match(sql)
        statements.append(declared.group(1) if declared else sql)
    return statements


_DECLARE = re.compile(r'^DECLARE "[^"]+" .*?CURSOR (?:WITH(?:OUT)? HOLD )?FOR (.*)$', re.S)


def raw_sql_ms(database_url: str, statements: list[str], runs: int) -> float:
    """Runs the statements through psycopg in one transaction (rolled back: the page's audit
    rows are not written twice) and returns the median time of a run in milliseconds."""
    import psycopg

    timings = []
    with psycopg.connect(database_url) as conn:
        for _ in range(runs + 1):
            started = time.perf_counter()
            with conn.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql.encode())
                    if cursor.description:
                        cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
            conn.rollback()
    return statistics.median(timings[1:])


# --- Load -------------------------------------------------------------------------------------
def load_rps(base: str, path: str, cookie: str, *, seconds: int, users: int) -> dict:
    """Requests per second of one path under locust (headless, its own process)."""
    env = {**os.environ, "BENCH_LOCUST_PATH": path, "BENCH_LOCUST_COOKIE": cookie}
    command = [
        sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", str(users),
        "--run-time", f"{seconds}s", "--host", base, "--json", "--loglevel", "WARNING",
        "--stop-timeout", "5",
    ]  # fmt: skip
    done = subprocess.run(
        command, env=env, cwd=PROJECT_DIR, check=False, timeout=seconds + 60,
        capture_output=True, text=True,
    )  # fmt: skip
    entries = json.loads(done.stdout or "[]")
    if not entries:
        raise RuntimeError(f"locust measured nothing: {done.stderr[-500:]}")
    stats = entries[0]
    spent = max(stats["last_request_timestamp"] - stats["start_time"], 1e-6)
    times = sorted((int(ms), n) for ms, n in stats["response_times"].items())

    def share(q: float) -> int:
        wanted, seen = q * stats["num_requests"], 0
        for ms, n in times:
            seen += n
            if seen >= wanted:
                return ms
        return times[-1][0] if times else 0

    return {
        "rps": round(stats["num_requests"] / spent, 1),
        "requests": stats["num_requests"],
        "failures": stats["num_failures"],
        "p50_ms": share(0.5),
        "p95_ms": share(0.95),
        "users": users,
        "seconds": seconds,
    }


# --- Work in the worker and in process -------------------------------------------------------
def matching_bench(opening_id: int, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from employers.models import Opening
    from jobseekers.models import JobSeeker
    from matching import ranking

    opening = Opening.objects.select_related("employer").get(pk=opening_id)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = ranking.rank_jobseekers_for_opening(opening, limit=50)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "jobseekers": JobSeeker.objects.count(),
        "candidates_after_sql": ranking.candidates_for_opening(opening).count(),
        "returned": len(result),
        "queries": len(captured.captured_queries),
        "p50_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "runs": runs,
    }


def task_run(name: str, queue: str, timeout: float = 1800):
    from baanbrekers.celery import app

    started = time.monotonic()
    value = app.send_task(name, queue=queue).get(timeout=timeout)
    return value, time.monotonic() - started


def rollup_bench(queue: str, sampler: MemorySampler) -> dict:
    from django.utils import timezone

    from jobseekers.models import JobSeeker

    sampler.reset()
    full, full_s = task_run("stats.figures_rebuild", queue)
    peak = sampler.peak
    quiet, quiet_s = task_run("stats.figures_update", queue)
    # One day's work: 300 job seekers change (status, a move), spread over the five years.
    ids = list(JobSeeker.objects.order_by("?").values_list("pk", flat=True)[:300])
    JobSeeker.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    day, day_s = task_run("stats.figures_update", queue)
    peak = max(peak, sampler.peak)
    return {
        "full_s": round(full_s, 2),
        "full_rows": full.get("rows"),
        "full_in_task_s": full.get("seconds"),
        "quiet_s": round(quiet_s, 2),
        "quiet_days": quiet.get("days"),
        "day_s": round(day_s, 2),
        "day_days": day.get("days"),
        "day_full": day.get("full"),
        "worker_peak_rss_mb": round(peak / 2**20, 1),
    }


def followups_bench(queue: str, smtp, rows: int) -> dict:
    from django.utils import timezone

    from baanbrekers.models import FollowUp, FollowUpStatus, Municipality

    FollowUp.objects.filter(kind="bench.send").delete()
    municipality = Municipality.objects.order_by("pk").first()
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        (
            FollowUp(
                kind="bench.send",
                title_text=f"Opvolging {i}",
                subject_type="baanbrekers.Municipality",
                subject_id=f"{municipality.pk}-{i}",
                recipient_email=f"bench-{i}@example.org",
                due_on=today,
            )
            for i in range(rows)
        ),
        batch_size=5000,
    )

    def ours() -> int:
        # Only the bench's rows: the data set's own due follow-ups are sent as well.
        with smtp.handler.lock:
            return sum(
                1 for d in smtp.handler.deliveries if any(a.startswith("bench-") for a in d.to)
            )

    from baanbrekers.celery import app

    started = time.monotonic()
    app.send_task("baanbrekers.followups_send_due", queue=queue)
    deadline = started + max(120, rows / 10)
    while ours() < rows and time.monotonic() < deadline:
        time.sleep(0.2)
    seconds = time.monotonic() - started
    delivered = ours()
    # The worker records "sent" a moment after the mail server has the message.
    sent = FollowUp.objects.filter(kind="bench.send", status=FollowUpStatus.SENT)
    while sent.count() < delivered and time.monotonic() < deadline + 30:
        time.sleep(0.2)
    sent = sent.count()
    FollowUp.objects.filter(kind="bench.send").delete()
    return {
        "rows": rows,
        "delivered": delivered,
        "marked_sent": sent,
        "seconds": round(seconds, 1),
        "per_second": round(delivered / seconds, 1) if seconds else None,
    }


_IMPORT_PHASE = re.compile(
    r"^(upload|dry run|import)\s+([\d,]+) rows in\s+([\d.]+) s =\s+(\d+) rows/s; "
    r"max RSS (\d+) -> (\d+) MB"
)


def import_bench(rows: int, database_url: str) -> dict | None:
    """The import's own benchmark (bench/import_bench.py: upload, dry run and import of a CSV
    through the real services, in a throwaway database next to the bench's), when it exists."""
    script = Path(__file__).parent / "import_bench.py"
    if not script.exists():
        return None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test",
        "DATABASE_URL": database_url,
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(script), "--rows", str(rows)], env=env, cwd=PROJECT_DIR,
        capture_output=True, text=True, check=False, timeout=3600,
    )  # fmt: skip
    phases = {}
    for line in done.stdout.splitlines():
        found = _IMPORT_PHASE.match(line.strip())
        if found:
            name, _rows, seconds, per_second, _before, after = found.groups()
            phases[name] = {
                "seconds": float(seconds),
                "rows_per_second": int(per_second),
                "max_rss_mb": int(after),
            }
    if done.returncode or not phases:
        return {"error": (done.stderr or done.stdout)[-800:], "rows": rows}
    return {"rows": rows, "phases": phases, "seconds": round(time.monotonic() - started, 1)}


# --- The run ----------------------------------------------------------------------------------
def machine() -> dict:
    import psutil

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def prepare(options: Options, *, with_smtp: bool = True) -> dict:
    """Sets this process's environment to the bench's and sets up Django; returns the env."""
    log = options.log
    url = options.database_url or bench_database_url(options.size)
    created = database_create(url)
    log(f"bench database {urlsplit(url).path.lstrip('/')}{' (new)' if created else ''}")
    port = free_port()
    base_queue = os.environ.get("CELERY_QUEUE", "celery")
    smtp = None
    if with_smtp:
        from tests.smtp import SMTPServer

        smtp = SMTPServer().start()
    env = bench_environment(
        database_url=url,
        secrets=database_secrets(url),
        port=port,
        smtp_url=smtp.url if smtp else "consolemail://",
        # A queue of this run's own: another run's worker must not take its tasks.
        queue=f"{base_queue}-bench-{os.getpid()}",
    )
    os.environ.update(env)
    import django

    django.setup()
    return {"env": env, "port": port, "smtp": smtp, "url": url}


def data(options: Options, prepared: dict | None = None) -> tuple[str, object]:
    """Step 1 alone (``python -m bench data``): migrated, static files, data set, bench users."""
    log = options.log
    prepared = prepared or prepare(options, with_smtp=False)
    from django.core.management import call_command

    from . import dataset

    call_command("migrate", verbosity=0)
    if not (Path(prepared["env"]["STATIC_ROOT"]) / "staticfiles.json").exists():
        log("collectstatic (once) ...")
        call_command("collectstatic", interactive=False, verbosity=0)
    loader = dataset.ensure(options.size, log=log)
    return loader, dataset.bench_users_and_subjects(log=log)


def _stop_on_sigterm(signum, frame):
    # SIGTERM ends the run like Ctrl-C: the finally clauses stop gunicorn and the worker.
    raise SystemExit(128 + signum)


def run(options: Options) -> dict:
    log = options.log
    started = time.monotonic()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
    prepared = prepare(options)
    env, port, smtp = prepared["env"], prepared["port"], prepared["smtp"]
    from . import dataset

    try:
        loader, subjects = data(options, prepared)
    except BaseException:
        smtp.stop()
        raise
    base = f"http://127.0.0.1:{port}"
    queue = env["CELERY_QUEUE"]
    report: dict = {
        "size": options.size,
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "loader": loader,
        "subjects": subjects.as_dict(),
        "settings": "bench.settings (production + X-Query-Count); MFA_REQUIRED_FOR_STAFF=false",
        "pages": {},
        "admin": {},
        "checks": {},
    }
    web = worker = None
    try:
        web = start_gunicorn(env, port)
        worker = start_worker(env, queue)
        wait_for_http(base, web)
        web_memory = MemorySampler(web.pid).start()
        sessions = {
            who: login(base, getattr(subjects, attr), dataset.PASSWORD)
            for who, attr in [
                ("caseworker", "caseworker"),
                ("coordinator", "coordinator"),
                ("alderman", "alderman"),
                ("employer", "employer_contact"),
            ]
        }
        emails = {
            "caseworker": subjects.caseworker,
            "coordinator": subjects.coordinator,
            "alderman": subjects.alderman,
            "employer": subjects.employer_contact,
        }
        later = max(2, min(20, subjects.jobseekers_in_municipality // 25))
        all_pages = pages(subjects, later_page=later)
        report["parts"] = list(options.parts)
        if "pages" in options.parts:
            warm_every_worker(base, sessions, all_pages)
            _pages_part(options, report, prepared, base, sessions, emails, all_pages)
        if "load" in options.parts:
            log(f"load: locust, {options.load_users} users, {options.load_seconds} s each ...")
            cookie = sessions["caseworker"].cookies["sessionid"]
            trivial = load_rps(base, "/bench/trivial/", "", seconds=options.load_seconds,
                               users=options.load_users)  # fmt: skip
            # The trivial page signed in as well: what every page pays before its own work
            # (session, user); the list's share of it is reported beside the ratio.
            signed_in = load_rps(base, "/bench/trivial/", cookie, seconds=options.load_seconds,
                                 users=options.load_users)  # fmt: skip
            listing = load_rps(base, "/jobseekers/", cookie, seconds=options.load_seconds,
                               users=options.load_users)  # fmt: skip
            report["load"] = {
                "trivial": trivial,
                "trivial_signed_in": signed_in,
                "jobseeker_list": listing,
                "ratio": round(listing["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
                "ratio_signed_in": (
                    round(listing["rps"] / signed_in["rps"], 3) if signed_in["rps"] else None
                ),
            }
        report["memory"] = {"web_worker_peak_rss_mb": round(web_memory.stop() / 2**20, 1)}
        if "matching" in options.parts:
            log("matching one opening against all job seekers ...")
            report["matching"] = matching_bench(subjects.opening, options.matching_runs)
        worker_memory = MemorySampler(worker.pid).start()
        if "rollup" in options.parts:
            log("statistics roll-up in the worker ...")
            report["rollup"] = rollup_bench(queue, worker_memory)
        if "followups" in options.parts:
            log(f"follow-up sending: {options.followups:,} due rows, one worker ...")
            report["followups"] = followups_bench(queue, smtp, options.followups)
        report["memory"]["worker_peak_rss_mb"] = round(worker_memory.stop() / 2**20, 1)
        if "import" in options.parts:
            log(f"import of {options.import_rows:,} rows ...")
            report["import"] = import_bench(options.import_rows, prepared["url"])
    except BaseException as exc:
        # What was measured so far is kept, marked as incomplete.
        report["error"] = repr(exc)
        _write(options, report)
        raise
    finally:
        stop_process(web)
        stop_process(worker)
        smtp.stop()
    report["seconds"] = round(time.monotonic() - started, 1)
    report["verdicts"] = verdicts(report)
    output = _write(options, report)
    report["output"] = str(output)
    log(table(report))
    log(f"written to {output}")
    return report


def _pages_part(options, report, prepared, base, sessions, emails, all_pages) -> None:
    log = options.log
    log(f"pages over HTTP ({options.requests} requests after {options.warmup} warm-up) ...")
    for page in all_pages:
        result = measure(
            sessions[page.who], base + page.path,
            requests=options.requests, warmup=options.warmup,
        )  # fmt: skip
        statements = page_sql(emails[page.who], page.path)
        raw = raw_sql_ms(prepared["url"], statements, options.raw_runs)
        result.update(
            label=page.label, who=page.who, path=page.path, kind=page.kind,
            raw_sql_ms=round(raw, 1), raw_statements=len(statements),
            raw_ratio=round(result["p50_ms"] / raw, 2) if raw else None,
        )  # fmt: skip
        if page.admin:
            admin = measure(
                sessions[page.who], base + page.admin,
                requests=options.requests, warmup=options.warmup,
            )  # fmt: skip
            admin["path"] = page.admin
            report["admin"][page.key] = admin
            result["admin_p50_ms"] = admin["p50_ms"]
            result["admin_ratio"] = round(result["p50_ms"] / admin["p50_ms"], 2)
        report["pages"][page.key] = result
        log(f"  {page.label:<48} p50 {result['p50_ms']:>7.1f} ms  q {result['queries']}")
    report["checks"]["constant_queries"] = {
        f"{a} vs {b}": [report["pages"][a]["queries"], report["pages"][b]["queries"]]
        for a, b in CONSTANT_PAIRS
    }


def _write(options: Options, report: dict) -> Path:
    output = options.output or (
        RESULTS_DIR / f"{options.size}-{datetime.date.today().isoformat()}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return output


# --- Targets and the table --------------------------------------------------------------------


def verdicts(report: dict) -> dict:
    """Every target of the issue, pass or miss, with the figure it was judged on."""
    out: dict = {}
    for key, page in report["pages"].items():
        limit = targets.PAGE_P95_MS.get(page["kind"])
        if limit is None and page["kind"] == "list":
            limit = targets.PAGE_P95_MS["list"]
        if limit is not None:
            out[f"{key}: p95 < {limit:.0f} ms"] = page["p95_ms"] < limit
        if page.get("admin_ratio") is not None:
            out[f"{key}: faster than the admin"] = page["admin_ratio"] < targets.ADMIN_RATIO_MAX
        if page.get("raw_ratio") is not None:
            out[f"{key}: within 3x of its raw SQL"] = page["raw_ratio"] <= targets.RAW_SQL_RATIO_MAX
        out[f"{key}: constant queries per request"] = not page["queries_varied"]
    for pair, (a, b) in report["checks"].get("constant_queries", {}).items():
        # A later or longer page runs no more queries than the first; it may run one fewer (the
        # API's last page knows its count from its own rows: baanbrekers/api/pagination.py).
        out[f"queries constant: {pair}"] = b <= a
    if "load" in report and report["load"]["ratio"] is not None:
        out[targets.LOAD_TARGET] = report["load"]["ratio"] >= targets.LOAD_RATIO_MIN
    if "rollup" in report:
        out[targets.FULL_TARGET] = report["rollup"]["full_s"] < targets.ROLLUP_FULL_MAX_S
        out[targets.DAY_TARGET] = report["rollup"]["day_s"] < targets.ROLLUP_DAY_MAX_S
    return out


def table(report: dict) -> str:
    lines = [
        f"\nBaanbrekers bench, size {report['size']}, {report['date']} "
        f"({report['subjects']['jobseekers_total']:,} job seekers; load average "
        f"{report['machine']['load_average']})",
        "",
        f"{'page':<50} {'who':<11} {'p50':>7} {'p95':>7} {'srv':>6} {'q':>4} {'admin×':>7} "
        f"{'raw×':>6}  target",
    ]
    v = report["verdicts"]
    for key, p in report["pages"].items():
        lines.append(
            f"{p['label'][:50]:<50} {p['who']:<11} {p['p50_ms']:>7.1f} {p['p95_ms']:>7.1f} "
            f"{p['server_p50_ms'] or 0:>6.1f} {p['queries'] or 0:>4} "
            f"{p.get('admin_ratio') or 0:>7.2f} {p.get('raw_ratio') or 0:>6.2f}  "
            f"{targets.page_verdict(v, key)}"
        )
    lines.append(
        "(ms: client wall time on loopback; srv: Server-Timing p50; q: queries; ×: ratio of p50)"
    )
    lines.append("")
    lines.extend(summary(report))
    missed = [name for name, ok in v.items() if not ok]
    lines.append(f"\ntargets missed: {len(missed)} of {len(v)}")
    lines.extend(f"  - {name}" for name in missed)
    return "\n".join(lines)
