"""Production settings for the scale-out test's processes, with one change: beat fires the
sending sweep and the delivery every second instead of every minute, so the test waits seconds,
not minutes. Everything else (secrets, sessions, caches, rate limits) is production's, from the
environment the test gives."""

from baanbrekers.settings.production import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "followups-send-due": {"task": "baanbrekers.followups_send_due", "schedule": 1.0},
    "outbox-deliver": {"task": "baanbrekers.outbox_deliver", "schedule": 1.0},
}
