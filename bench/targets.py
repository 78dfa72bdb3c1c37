"""The targets of issue 14, in one place: the runner prints each next to its figure."""

from __future__ import annotations

# p95 of a page, in milliseconds, by the page's kind.
PAGE_P95_MS = {
    "list": 100.0,
    "detail": 100.0,
    "timeline": 100.0,
    "dashboard": 50.0,
    "matches": 300.0,
}
# Every page at most this many times its own SQL run alone, and faster than the admin's list.
RAW_SQL_RATIO_MAX = 3.0
ADMIN_RATIO_MAX = 1.0
# Under load, the job-seeker list serves at least this share of a trivial page's throughput.
LOAD_RATIO_MIN = 0.5
# Statistics roll-up, seconds.
ROLLUP_FULL_MAX_S = 60.0
ROLLUP_DAY_MAX_S = 1.0


# Names of the run-wide verdicts (bench.runner.verdicts).
LOAD_TARGET = "list under load >= 0.5x trivial page"
FULL_TARGET = "full roll-up < 60 s"
DAY_TARGET = "one day's roll-up < 1 s"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "MISS")


def page_verdict(verdicts: dict, key: str) -> str:
    """Pass when every target of one page passed (its verdicts are named "<key>: ...")."""
    mine = [ok for name, ok in verdicts.items() if name.startswith(f"{key}:")]
    return verdict(all(mine) if mine else None)
