from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="followup_rules.apply",
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def followup_rules_apply() -> dict[str, list[int]] | None:
    """Periodic (hourly): applies every follow-up rule; the sending sweep sends what is due.

    Safe to run twice or at once: a second concurrent run returns at once, and the rules are
    idempotent per kind, record and due date.
    """
    outcomes = services.followup_rules_apply()
    if outcomes is None:
        return None
    return {name: [o.created, o.cancelled, o.revived] for name, o in outcomes.items()}
