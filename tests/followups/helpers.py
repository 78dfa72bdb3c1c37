import datetime
from zoneinfo import ZoneInfo

from baanbrekers.models import FollowUp

AMS = ZoneInfo("Europe/Amsterdam")
UTC = datetime.UTC


def local(y, m, d, hour=12, minute=0) -> datetime.datetime:
    """An aware moment, given as Amsterdam wall-clock time."""
    return datetime.datetime(y, m, d, hour, minute, tzinfo=AMS)


def utc(y, m, d, hour=12, minute=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hour, minute, tzinfo=UTC)


def rows(kind=None, **filters):
    qs = FollowUp.objects.order_by("due_on", "id")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.filter(**filters))


def schedule_text(*, kind: str, subject, due_on, text: str, **fields) -> FollowUp:
    """Schedules a follow-up of a test kind whose title is just ``text`` (registered here, as
    an app registers its kinds)."""
    from baanbrekers.followups import followup_kind_register, followup_schedule

    followup_kind_register(key=kind, title="%(text)s")
    return followup_schedule(
        kind=kind, subject=subject, due_on=due_on, params={"text": text}, **fields
    )
