"""The roll-up's freshness as a Prometheus gauge, read at every scrape of /metrics
(baanbrekers/metrics.py; registered in StatsConfig.ready())."""

from baanbrekers.metrics import scrape_gauge_register


def rollup_last_success() -> float:
    """Unix time of the last roll-up that committed (update or rebuild); 0 before the first.

    ``RollupState.last_run_at`` is written in the run's own transaction, so a failed run leaves
    it as it was."""
    from .models import RollupState

    at = RollupState.objects.filter(pk=1).values_list("last_run_at", flat=True).first()
    return at.timestamp() if at else 0.0


def register() -> None:
    scrape_gauge_register(
        "baanbrekers_stats_rollup_last_success_timestamp_seconds",
        "Unix time of the last successful statistics roll-up (0 before the first).",
        rollup_last_success,
    )
