"""Demo: after the domain apps have seeded their rows, roll them up so the dashboards show them."""

from __future__ import annotations

from baanbrekers.demo import DemoContext

from . import services


def seed(ctx: DemoContext) -> None:
    result = services.figures_rebuild()
    ctx.log.append(f"stats: {result.rows} rows of daily figures in {result.seconds:.2f}s")
