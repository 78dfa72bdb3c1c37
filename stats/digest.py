"""The aldermen's weekly digest: the visits they are going to, and last week's figures.

The digest is a follow-up (kind ``digest.weekly``, about the alderman, due on the week's Monday;
the kind and its rule are in stats/followup_rules.py) sent by the engine in
baanbrekers.followups, so it goes out exactly once per alderman per week. Its content is built
here at send time, from the week the follow-up is due in, so a digest sent late still speaks
about its own week.

Figures are aggregates only, for the alderman's municipalities and the region, and come from the
one statistics selector (``stats.selectors.figures_compared``): the roll-up, through disclosure
control, as on the alderman's dashboard. When the roll-up has not yet seen the end of the week
(it runs every few minutes, so this is rare), it is brought up to date first rather than
counting the raw rows a second way.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from baanbrekers import disclosure
from baanbrekers.followups import lead_time, local_midnight
from baanbrekers.models import FollowUp, Municipality, User
from visits.models import Visit, VisitStatus

from . import services
from .models import RollupState
from .selectors import figures_compared

# A context keeps other apps' translations of the same words from replacing ours.
FIGURES = [
    ("visits_held", pgettext_lazy("digest", "Company visits held")),
    ("visit_jobseekers", pgettext_lazy("digest", "Job seekers who joined a visit")),
    ("clicks", pgettext_lazy("digest", "Clicks")),
    ("placements_started", pgettext_lazy("digest", "Development placements started")),
    ("jobs", pgettext_lazy("digest", "Jobs found")),
]


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list  # one per municipality, then the region


def _rollup_covers(end: datetime.datetime) -> bool:
    """Has the statistics roll-up seen every change up to ``end``?"""
    state = RollupState.objects.filter(pk=1).only("watermark").first()
    return bool(state and state.watermark and state.watermark >= end)


def digest_figures(
    *, municipalities: list[Municipality], first: datetime.date, last: datetime.date
) -> tuple[list[FigureRow], bool]:
    """Rows of figures for ``municipalities`` and the whole region, from ``first`` to ``last``
    (local dates, inclusive), through disclosure control; and whether the roll-up already
    covered the week (False: it was brought up to date for this digest)."""
    covered = _rollup_covers(local_midnight(last + datetime.timedelta(days=1)))
    if not covered:
        services.figures_update()
    cells = figures_compared(
        first=first, last=last, municipalities=municipalities, keys=[k for k, _l in FIGURES]
    )
    rows = [FigureRow(label=str(label), cells=cells[key]) for key, label in FIGURES]
    return rows, covered


def _absolute(url_name: str, *args) -> str:
    try:
        path = reverse(url_name, args=args)
    except NoReverseMatch:
        return ""
    return settings.SITE_URL.rstrip("/") + path


def digest_context(
    *, alderman: User, week_start: datetime.date, now: datetime.datetime | None = None
) -> dict:
    """Everything the digest template shows, for the week that starts on ``week_start``."""
    now = now or timezone.now()
    from_moment = max(now, local_midnight(week_start))
    ahead = lead_time("digest_visits_ahead")
    until = local_midnight(week_start + ahead)
    visits = (
        Visit.objects.filter(
            staff__user=alderman,
            status=VisitStatus.PLANNED,
            starts_at__gte=from_moment,
            starts_at__lt=until,
        )
        .select_related("employer")
        .order_by("starts_at", "id")
    )
    coming = [
        {
            "starts_at": timezone.localtime(visit.starts_at),
            "employer": visit.employer.trade_name,
            "location": visit.location,
            "purpose": visit.purpose,
            "briefing_url": _absolute("visits:briefing", visit.pk),
        }
        for visit in visits
    ]
    municipalities = list(alderman.municipalities.order_by("name"))
    first = week_start - datetime.timedelta(days=7)
    last = week_start - datetime.timedelta(days=1)
    figures, from_rollup = digest_figures(municipalities=municipalities, first=first, last=last)
    return {
        "alderman": alderman,
        "week": week_start.isocalendar().week,
        "week_start": week_start,
        "visits": coming,
        "visits_until": week_start + ahead - datetime.timedelta(days=1),
        "figures": figures,
        "figure_columns": [m.name for m in municipalities]
        + [str(pgettext_lazy("digest", "Region"))],
        "figures_first": first,
        "figures_last": last,
        "figures_from_rollup": from_rollup,
        "legend": disclosure.legend(),
        "dashboard_url": _absolute("dashboard:index"),
        "visits_url": _absolute("visits:list"),
    }


def digest_email_context(followup: FollowUp) -> dict:
    """The kind's email context (baanbrekers.followups): called at send time."""
    alderman = User.objects.prefetch_related("municipalities").get(pk=followup.subject_id)
    return digest_context(alderman=alderman, week_start=followup.due_on)
