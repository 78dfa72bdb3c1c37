"""``manage.py seed_scale --size national|province|region|tiny``: a synthetic data set at scale.

Lives in ``stats``, the top layer, because it writes every domain app's tables (employers,
job seekers, visits, placements) and reads their models and rules; ``baanbrekers`` may not
import them (import-linter layers). The work is done by ``stats.scale``.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from stats.scale import plan as scale_plan
from stats.scale import runner


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB"


class Command(BaseCommand):
    help = (
        "Fills the database with a consistent synthetic data set of a national, provincial or "
        "regional size (or tiny, for tests), in bulk with COPY. Interrupt it at any time: a run "
        "again resumes where it stopped and never duplicates rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=list(scale_plan.SIZES), default="region")
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Processes writing chunks in parallel (default: 2 on a machine with two or more "
            "cores, 1 inside a transaction, where forked processes would not see its rows).",
        )
        parser.add_argument(
            "--stop-after",
            type=int,
            default=None,
            help="Stop after writing this many chunks (to try resuming).",
        )
        parser.add_argument(
            "--skip-fk-checks",
            action="store_true",
            help="Write without foreign-key checks, a third faster (PostgreSQL superuser only).",
        )
        parser.add_argument(
            "--rollup",
            action="store_true",
            help="Rebuild the statistics (stats roll-up) over the data afterwards.",
        )

    def handle(self, *args, size, jobs, stop_after, skip_fk_checks, rollup, **options):
        counts = scale_plan.counts_for(size)
        self.stdout.write(
            f"seed_scale {size}: "
            + ", ".join(f"{name.replace('_', ' ')} {n:,}" for name, n in counts.items())
        )
        if jobs is None:
            jobs = 1 if connection.in_atomic_block else min(2, os.cpu_count() or 1)
        try:
            report = runner.run(
                size,
                jobs=jobs,
                stop_after=stop_after,
                skip_fk_checks=skip_fk_checks,
                out=self.stdout.write,
            )
        except runner.Refused as exc:
            raise CommandError(str(exc)) from exc
        for table, n in sorted(report.tables.items()):
            self.stdout.write(f"  {table:<40} {n:>12,}")
        self.stdout.write(
            f"{report.rows:,} rows in {report.chunks_written} chunks in {report.seconds:.0f} s "
            f"({report.rows / max(report.seconds, 1e-6):,.0f} rows/s). Database "
            f"{_mb(report.size_before)} -> {_mb(report.size_after)} this run "
            f"(+{_mb(report.size_after - report.size_before)}; "
            f"+{_mb(report.size_after - report.size_at_start)} since the data set was started)."
        )
        if report.stopped:
            self.stdout.write(
                self.style.WARNING("Stopped before the end: run the command again to resume.")
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Data set '{size}' complete."))
        if rollup:
            from stats.services import figures_rebuild

            result = figures_rebuild()
            self.stdout.write(
                f"Statistics rebuilt: {result.rows:,} rows of figures in {result.seconds:.1f} s."
            )
