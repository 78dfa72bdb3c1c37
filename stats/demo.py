"""Demo: two years and more of invented history for the demo region (stats.demo_history), then,
after the domain apps have seeded their rows, the roll-up so the dashboards show them."""

from __future__ import annotations

import time

from baanbrekers.demo import DemoContext
from baanbrekers.models import Municipality, Role

from . import services
from .demo_history import history_seed


def seed(ctx: DemoContext) -> None:
    started = time.monotonic()
    municipalities = list(ctx.municipalities.values()) or list(
        Municipality.objects.order_by("cbs_code")
    )
    staff = ctx.users.get(Role.COORDINATOR)
    history = history_seed(
        municipalities=municipalities, staff=staff, caseworker=ctx.users.get(Role.CASEWORKER)
    )
    if history.created:
        ctx.log.append(
            f"stats: history of {history.people} job seekers, {history.rows} rows in "
            f"{time.monotonic() - started:.1f}s"
        )
    result = services.figures_rebuild()
    ctx.log.append(f"stats: {result.rows} rows of daily figures in {result.seconds:.2f}s")
