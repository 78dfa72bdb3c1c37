"""The aldermen's weekly digest as a follow-up: its kind and its rule, registered with the
engine (baanbrekers.followups) from StatsConfig.ready(). The content is stats/digest.py's."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy

from baanbrekers.followups import Wanted, followup_kind_register, followup_rule_register
from baanbrekers.models import FollowUp, Role, User

# The week starts on Monday; the digest goes out from this hour on.
DIGEST_HOUR = 7

KIND_DIGEST = "digest.weekly"
DIGEST_TITLE = gettext_lazy("Weekly digest, week %(week)s")


def digest_email_context(followup: FollowUp) -> dict:
    # Imported when a digest is mailed, not at start-up: the digest reads the statistics.
    from .digest import digest_email_context as context

    return context(followup)


def digest_week_start(now: datetime.datetime) -> datetime.date:
    """The Monday of the digest that is due at ``now``: this week's from Monday DIGEST_HOUR
    local time on, last week's before."""
    local = timezone.localtime(now)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        monday -= datetime.timedelta(days=7)
    return monday


def aldermen_digests(now: datetime.datetime) -> Iterable[Wanted]:
    """One digest per active alderman with an email address, due on this week's Monday."""
    week_start = digest_week_start(now)
    aldermen = (
        User.objects.filter(role=Role.ALDERMAN, is_active=True)
        .exclude(email="")
        .prefetch_related("municipalities")
        .order_by("id")
    )
    for alderman in aldermen:
        municipalities = list(alderman.municipalities.all())
        yield Wanted(
            kind=KIND_DIGEST,
            subject=alderman,
            due_on=week_start,
            params={"week": week_start.isocalendar().week},
            recipient_email=alderman.email,
            municipality=municipalities[0] if len(municipalities) == 1 else None,
        )


def register() -> None:
    followup_kind_register(
        key=KIND_DIGEST,
        title=DIGEST_TITLE,
        email_template_prefix="stats/email/digest_weekly",
        email_context=digest_email_context,
    )
    # A digest not sent by the time the next week's is wanted is cancelled, not sent late.
    followup_rule_register(
        "aldermen_digests", aldermen_digests, kinds=[KIND_DIGEST], cancels_stale=True
    )
