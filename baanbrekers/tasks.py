import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from kombu.exceptions import OperationalError as BrokerError

from . import followups

logger = logging.getLogger(__name__)


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
# database, not the message, says what is due), so a retry or a duplicate run is harmless. A
# task killed half-way (worker lost, Redis restarted) is no different: sending claims each row
# in the database before the mail leaves, and beat runs both tasks every minute.
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
        _queue_again(outbox_deliver, self.request)
    if count == BATCH:
        _queue_again(self, self.request)
    return count


def _queue_again(task, request) -> None:
    """Queues ``task`` on the queue this run came from; the broker being away only delays it
    until beat's next run (the database says what is still to do)."""
    queue = request.delivery_info.get("routing_key") if request.delivery_info else None
    try:
        task.apply_async(queue=queue)
    except (BrokerError, ConnectionError) as exc:
        logger.warning("could not queue %s now (%s); beat runs it again", task.name, exc)


@shared_task(name="baanbrekers.outbox_deliver", bind=True, **_RETRY)
def outbox_deliver(self) -> int:
    """Periodic too, so a lost delivery message delays mail but never loses it. Each email is
    claimed before it leaves and reconciled if its sender died (baanbrekers.followups).

    Stops claiming well before the soft time limit: a time limit hit while the mail server has
    the message would leave it uncertain.
    """
    budget = max(1.0, settings.CELERY_TASK_SOFT_TIME_LIMIT / 2)
    count = followups.outbox_deliver(limit=BATCH, budget_seconds=budget)
    if count == BATCH:
        _queue_again(self, self.request)
    return count


@shared_task(name="baanbrekers.housekeeping", **{**_RETRY, "max_retries": 3})
def housekeeping() -> dict[str, int]:
    """Nightly: the registered housekeeping jobs (baanbrekers.housekeeping): anonymising job
    seekers without activity for settings.RETENTION_YEARS, removing expired portal invitations
    and stale claims. Each job is idempotent, so a retry or a second run is harmless."""
    from .housekeeping import housekeeping_run

    return housekeeping_run()


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
