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
