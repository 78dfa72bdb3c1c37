"""``python -m bench run --size region``: the whole suite (bench.runner), a table and JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SIZES = ["tiny", "region", "province", "national"]


from .runner import PARTS  # noqa: E402  (stdlib only: --help needs no Django)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="fill the data set if needed, start the app, measure")
    run.add_argument("--size", choices=SIZES, default="region")
    run.add_argument("--database-url", help="default: DATABASE_URL's database + _bench_<size>")
    run.add_argument("--requests", type=int, default=30, help="per page, after the warm-up")
    run.add_argument("--warmup", type=int, default=5)
    run.add_argument("--load-seconds", type=int, default=20, help="each of the two load runs")
    run.add_argument("--load-users", type=int, default=10)
    run.add_argument("--followups", type=int, default=10_000, help="due rows to send")
    run.add_argument("--import-rows", type=int, default=50_000)
    run.add_argument("--raw-runs", type=int, default=5, help="runs of each page's raw SQL")
    run.add_argument("--output", type=Path, help="default: bench/results/<size>-<date>.json")
    run.add_argument(
        "--parts", default=",".join(PARTS),
        help=f"a subset of {','.join(PARTS)} (default: all)",
    )  # fmt: skip
    only_data = commands.add_parser("data", help="only fill the data set and add the bench users")
    only_data.add_argument("--size", choices=SIZES, default="region")
    only_data.add_argument("--database-url")
    page = commands.add_parser("page", help="pages one at a time, in process (bench.profile)")
    page.add_argument("keys", nargs="*", help="page keys (default: every page)")
    page.add_argument("--size", choices=SIZES, default="region")
    page.add_argument("--database-url")
    page.add_argument("--requests", type=int, default=15)
    page.add_argument("--raw-runs", type=int, default=3)
    page.add_argument("--profile", action="store_true", help="cProfile one request per page")
    load = commands.add_parser("load", help="only gunicorn and the two locust loads (bench.load)")
    load.add_argument("--size", choices=SIZES, default="region")
    load.add_argument("--database-url")
    load.add_argument("--load-seconds", type=int, default=20)
    load.add_argument("--load-users", type=int, default=10)
    load.add_argument("--rounds", type=int, default=1, help="each load this many times, in turn")
    load.add_argument("--path", action="append", default=[], help="another path, as caseworker")
    markdown = commands.add_parser("markdown", help="a results file as docs/performance.md tables")
    markdown.add_argument("results", type=Path)
    args = parser.parse_args(argv)

    if args.command == "markdown":
        from .markdown import main as markdown_main

        print(markdown_main(args.results))
        return 0

    from .runner import Options, data
    from .runner import run as run_suite

    if args.command == "page":
        from .profile import main as page_main

        options = Options(size=args.size, database_url=args.database_url, raw_runs=args.raw_runs)
        return page_main(options, args.keys, requests=args.requests, profile=args.profile)

    if args.command == "load":
        from .load import main as load_main

        options = Options(
            size=args.size,
            database_url=args.database_url,
            load_seconds=args.load_seconds,
            load_users=args.load_users,
        )
        return load_main(options, args.path, rounds=args.rounds)

    if args.command == "data":
        data(Options(size=args.size, database_url=args.database_url))
        return 0

    run_suite(
        Options(
            size=args.size,
            database_url=args.database_url,
            requests=args.requests,
            warmup=args.warmup,
            load_seconds=args.load_seconds,
            load_users=args.load_users,
            followups=args.followups,
            import_rows=args.import_rows,
            raw_runs=args.raw_runs,
            parts=tuple(part.strip() for part in args.parts.split(",") if part.strip()),
            output=args.output,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
