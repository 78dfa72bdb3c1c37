from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

from . import followups


@shared_task(name="baanbrekers.ping")
def ping() -> dict:
    """Round trip through broker, worker, database and result backend, for checks and tests.

    Read-only and so safe to run twice.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    return {"pong": True, "database": database}


# Database and broker hiccups are retried with backoff; the work itself is idempotent (the
# database, not the message, says what is due), so a retry or a duplicate run is harmless.
_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


BATCH = 200


@shared_task(name="baanbrekers.followups_send_due", bind=True, **_RETRY)
def followups_send_due(self) -> int:
    """Periodic sweep: records every due follow-up's email once, then asks for delivery.

    Works in batches so no single run holds a worker for long; a full batch means there may be
    more, so it queues itself again.
    """
    count = followups.followups_send_due(limit=BATCH)
    if count:
        outbox_deliver.delay()
    if count == BATCH:
        self.apply_async(
            queue=self.request.delivery_info.get("routing_key")
            if self.request.delivery_info
            else None
        )
    return count


@shared_task(name="baanbrekers.outbox_deliver", bind=True, **_RETRY)
def outbox_deliver(self) -> int:
    """Periodic too, so a lost delivery message delays mail but never loses it."""
    count = followups.outbox_deliver(limit=BATCH)
    if count == BATCH:
        self.apply_async(
            queue=self.request.delivery_info.get("routing_key")
            if self.request.delivery_info
            else None
        )
    return count


@shared_task(name="followup_rules.apply", **{**_RETRY, "max_retries": 5})
def followup_rules_apply() -> dict[str, list[int]] | None:
    """Periodic (hourly): applies every registered follow-up rule (each domain app's
    ``followup_rules.py``); the sending sweep sends what is due.

    Safe to run twice or at once: a second concurrent run returns at once, and the rules are
    idempotent per kind, record and due date. (The task name predates the engine's move here;
    it is kept so beat entries and queued messages keep working.)
    """
    outcomes = followups.followup_rules_apply()
    if outcomes is None:
        return None
    return {name: [o.created, o.cancelled, o.revived] for name, o in outcomes.items()}
