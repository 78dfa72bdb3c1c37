"""Demo data: the follow-up rules applied once to the demo files, so the caseworkers' to-do
lists and the alderman's digest are there at once (beat applies them every hour after that).

Idempotent like the rules themselves; a second seed makes nothing new on the same day.
"""

from __future__ import annotations

from baanbrekers.demo import DemoContext

from .services import RulesFailed, followup_rules_apply


def seed(ctx: DemoContext) -> None:
    try:
        outcomes = followup_rules_apply()
    except RulesFailed as exc:
        ctx.log.append(f"Follow-up rules: some failed ({exc}); beat tries again within the hour.")
        return
    if outcomes is None:
        return  # beat is applying them right now
    created = sum(o.created for o in outcomes.values())
    ctx.log.append(f"Follow-up rules: {created} new follow-ups.")
