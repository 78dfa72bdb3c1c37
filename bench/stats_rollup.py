"""Benchmark of the statistics roll-up: a full rebuild of five years for all municipalities.

Creates a throwaway database next to the one in DATABASE_URL, migrates it, fills it with
synthetic data (stats.synthetic) for every municipality, times a full rebuild, an incremental
run with nothing changed and one after a day of changes, and drops the database again.

    .venv/bin/python bench/stats_rollup.py                      # 342 municipalities
    .venv/bin/python bench/stats_rollup.py --municipalities 30 --jobseekers 100

Or over a data set that is there already (the bench's national one: ``python -m bench data``),
touching only the ``updated_at`` of the 300 job seekers of the day's run:

    .venv/bin/python bench/stats_rollup.py \
        --database-url postgresql://postgres@127.0.0.1:5432/baanbrekers_bench_national
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=342, help="the Netherlands: 342")
    parser.add_argument("--jobseekers", type=int, default=150, help="per municipality")
    parser.add_argument("--employers", type=int, default=10, help="per municipality")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--database-url", help="time the roll-up in this filled database")
    args = parser.parse_args()

    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baanbrekers.settings.dev")
        existing()
        return

    base = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/baanbrekers")
    parts = urlsplit(base)
    name = f"bb_bench_stats_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baanbrekers.settings.dev")

    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        run(args)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from baanbrekers.models import Municipality
    from jobseekers.models import JobSeeker
    from stats import services
    from stats.models import DailyFigures
    from stats.synthetic import generate

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.monotonic() - t0:.1f}s")

    municipalities = Municipality.objects.bulk_create(
        [
            Municipality(cbs_code=f"GM{9000 + i:04d}", name=f"Benchmarkgemeente {i}")
            for i in range(args.municipalities)
        ]
    )
    as_of = datetime.date.today()
    start = as_of - datetime.timedelta(days=365 * args.years)
    t0 = time.monotonic()
    generated = generate(
        municipalities=municipalities,
        start=start,
        days=365 * args.years,
        jobseekers_per_municipality=args.jobseekers,
        employers_per_municipality=args.employers,
        seed=2026,
        tag="bench",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"generated: {generated.rows:,} raw rows ({generated.jobseekers:,} job seekers, "
        f"{generated.employers:,} employers, {generated.visits:,} visits) "
        f"in {time.monotonic() - t0:.1f}s"
    )

    full = services.figures_rebuild(as_of=as_of)
    print(
        f"full rebuild: {full.rows:,} rows of daily figures "
        f"({args.municipalities} municipalities x {args.years} years) in {full.seconds:.2f}s"
    )
    again = services.figures_rebuild(as_of=as_of)
    print(f"full rebuild, second run: {again.seconds:.2f}s")
    # Every row was made a moment ago; without the safety overlap only later changes count.
    services.WATERMARK_OVERLAP = datetime.timedelta(0)
    quiet = services.figures_update(as_of=as_of)
    print(f"incremental, nothing changed: {quiet.days} days in {quiet.seconds:.2f}s")

    # A day's work: a few hundred job seekers change (status, move), spread over the years.
    moved = list(JobSeeker.objects.order_by("?").values_list("pk", flat=True)[:300])
    JobSeeker.objects.filter(pk__in=moved).update(
        status="working", updated_at=django.utils.timezone.now()
    )
    busy = services.figures_update(as_of=as_of)
    print(f"incremental, 300 job seekers changed: {busy.days} days in {busy.seconds:.2f}s")
    print(f"rows in the roll-up: {DailyFigures.objects.count():,}")


def existing() -> None:
    import django

    django.setup()
    from django.utils import timezone

    from jobseekers.models import JobSeeker
    from stats import services

    def timed(label: str, run) -> None:
        cpu = time.process_time()
        result = run()
        print(
            f"{label}: {result.seconds:.2f}s (Python CPU {time.process_time() - cpu:.2f}s), "
            f"full={result.full}, {result.days} days, {result.rows:,} rows"
        )

    timed("full rebuild", services.figures_rebuild)
    timed("full rebuild, second run", services.figures_rebuild)
    timed("incremental, nothing changed", services.figures_update)
    timed("incremental, nothing changed, again", services.figures_update)
    # As bench.runner: 300 job seekers from anywhere (random order, not neighbouring ids).
    ids = list(JobSeeker.objects.order_by("?").values_list("pk", flat=True)[:300])
    JobSeeker.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    timed(f"incremental, {len(ids)} job seekers changed", services.figures_update)


if __name__ == "__main__":
    main()
