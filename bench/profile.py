"""``python -m bench page --size region js_list emp_list``: one page at a time, in process.

For finding where a page's time goes without starting gunicorn: the bench settings and database
(as ``bench run``), the page's user signed in with the test client, a warm-up, then per page the
median wall time, the Python CPU time of the request (process time, much less sensitive to a busy
machine than wall time), the queries and the time spent in them, and the page's SQL alone through
psycopg. ``--profile`` adds the top functions of one request by cumulative time (cProfile).
The key ``trivial`` is the load test's baseline page signed in as the caseworker: what every
page pays before its own work.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time

from . import runner


def _timed_queries(timings: list[float]):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(time.perf_counter() - started)

    return wrapper


def main(options: runner.Options, keys: list[str], *, requests: int, profile: bool) -> int:
    prepared = runner.prepare(options, with_smtp=False)
    from django.db import connection
    from django.test import Client

    from baanbrekers.models import User

    _loader, subjects = runner.data(options, prepared)
    emails = {
        "caseworker": subjects.caseworker,
        "coordinator": subjects.coordinator,
        "alderman": subjects.alderman,
        "employer": subjects.employer_contact,
    }
    later = max(2, min(20, subjects.jobseekers_in_municipality // 25))
    known = {page.key: page for page in runner.pages(subjects, later_page=later)}
    # The load test's baseline, signed in: what every page pays before its own work. Only here,
    # not in the suite's pages (its reports stay comparable).
    known["trivial"] = runner.Page(
        "trivial", "trivial page", "caseworker", "/bench/trivial/", "other"
    )
    unknown = [key for key in keys if key not in known]
    if unknown:
        print(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    clients: dict[str, Client] = {}
    print(f"{'page':<22} {'wall p50':>9} {'cpu p50':>8} {'queries':>7} {'in SQL':>7} "
          f"{'raw SQL':>8} {'bytes':>8}")  # fmt: skip
    for key in keys or list(known):
        page = known[key]
        client = clients.get(page.who)
        if client is None:
            client = clients[page.who] = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(email=emails[page.who]))
        for _ in range(3):
            response = client.get(page.path)
        if response.status_code != 200:
            print(f"{key}: {page.path} answered {response.status_code}")
            return 1
        walls, cpus, sql_times, counts = [], [], [], []
        for _ in range(requests):
            timings: list[float] = []
            with connection.execute_wrapper(_timed_queries(timings)):
                cpu0, wall0 = time.process_time(), time.perf_counter()
                response = client.get(page.path)
                wall = time.perf_counter() - wall0
                cpu = time.process_time() - cpu0
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            sql_times.append(sum(timings) * 1000)
            counts.append(len(timings))
        raw = runner.raw_sql_ms(
            prepared["url"], runner.page_sql(emails[page.who], page.path), options.raw_runs
        )
        print(
            f"{key:<22} {statistics.median(walls):>7.1f}ms {statistics.median(cpus):>6.1f}ms "
            f"{max(counts):>7} {statistics.median(sql_times):>5.1f}ms {raw:>6.1f}ms "
            f"{len(response.content):>8}"
        )
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(page.path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
            print(out.getvalue())
    return 0
