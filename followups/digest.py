"""The aldermen's weekly digest: the visits they are going to, and last week's figures.

The digest is a follow-up (kind ``digest.weekly``, about the alderman, due on the week's Monday)
sent by the ordinary engine, so it goes out exactly once per alderman per week. Its content is
built here at send time, from the week the follow-up is due in, so a digest sent late still
speaks about its own week.

Figures are aggregates only, for the alderman's municipalities and the region, with small numbers
hidden by the statistics app's rules (stats.suppression), as on the dashboards. They come from the statistics roll-up when it has run past
the end of the week, and are counted from the raw rows otherwise.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from baanbrekers.models import FollowUp, Municipality, User
from placements.models import DevelopmentPlacement, JobOutcome
from stats.suppression import HIDDEN, SMALL, protect, shown
from visits.models import Click, Visit, VisitSignUp, VisitStatus

from .rules import local_midnight

# How far ahead the digest lists visits: this week and next, time to read the briefings.
VISIT_DAYS = 14

# A context keeps other apps' translations of the same words from replacing ours.
FIGURES = [
    ("visits_held", pgettext_lazy("digest", "Company visits held")),
    ("visit_jobseekers", pgettext_lazy("digest", "Job seekers who joined a visit")),
    ("clicks", pgettext_lazy("digest", "Clicks")),
    ("placements_started", pgettext_lazy("digest", "Development placements started")),
    ("jobs", pgettext_lazy("digest", "Jobs found")),
]
JOB_FIELDS = ["jobs_visit", "jobs_placement", "jobs_buddy", "jobs_referral", "jobs_direct"]


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list  # one per municipality, then the region


def _rollup_covers(end: datetime.datetime) -> bool:
    """Has the statistics roll-up seen every change up to ``end``?"""
    try:
        from stats.models import RollupState
    except ImportError:  # pragma: no cover - the statistics app is always installed here
        return False
    state = RollupState.objects.filter(pk=1).only("watermark").first()
    return bool(state and state.watermark and state.watermark >= end)


def _from_rollup(first: datetime.date, last: datetime.date) -> dict[int, dict[str, int]]:
    from stats.models import DailyFigures

    fields = ["visits_held", "visit_jobseekers", "clicks", "placements_started", *JOB_FIELDS]
    rows = (
        DailyFigures.objects.filter(day__gte=first, day__lte=last)
        .values("municipality_id")
        .annotate(**{name: Sum(name) for name in fields})
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = {name: row[name] or 0 for name in fields}
        counts["jobs"] = sum(counts.pop(name) for name in JOB_FIELDS)
        result[row["municipality_id"]] = counts
    return result


def _count(qs, municipality_field: str) -> dict[int, int]:
    return dict(
        qs.values(municipality_field).annotate(n=Count("pk")).values_list(municipality_field, "n")
    )


def _from_rows(first: datetime.date, last: datetime.date) -> dict[int, dict[str, int]]:
    """The same figures as the roll-up (stats.rollup), counted from the raw rows."""
    start, end = local_midnight(first), local_midnight(last + datetime.timedelta(days=1))
    held = Visit.objects.filter(status=VisitStatus.HELD, starts_at__gte=start, starts_at__lt=end)
    per_figure = {
        "visits_held": _count(held, "employer__municipality_id"),
        "visit_jobseekers": _count(
            VisitSignUp.objects.filter(visit__in=held), "jobseeker__municipality_id"
        ),
        "clicks": _count(
            Click.objects.filter(visit__starts_at__gte=start, visit__starts_at__lt=end),
            "jobseeker__municipality_id",
        ),
        "placements_started": _count(
            DevelopmentPlacement.objects.filter(started_on__gte=first, started_on__lte=last),
            "jobseeker__municipality_id",
        ),
        "jobs": _count(
            JobOutcome.objects.filter(start_date__gte=first, start_date__lte=last),
            "jobseeker__municipality_id",
        ),
    }
    result: dict[int, dict[str, int]] = {}
    for name, counts in per_figure.items():
        for municipality_id, n in counts.items():
            result.setdefault(municipality_id, {})[name] = n
    return result


def digest_figures(
    *, municipalities: list[Municipality], first: datetime.date, last: datetime.date
) -> tuple[list[FigureRow], bool]:
    """Rows of figures for ``municipalities`` and the whole region, from ``first`` to ``last``
    (local dates, inclusive), small numbers hidden; and whether they came from the roll-up."""
    from_rollup = _rollup_covers(local_midnight(last + datetime.timedelta(days=1)))
    counts = _from_rollup(first, last) if from_rollup else _from_rows(first, last)
    rows = []
    for name, label in FIGURES:
        # The statistics app's rules, as on the dashboards: small counts appear as "< 5", and a
        # municipality is hidden as "x" when the region minus it would give a small number away.
        parts = {m.pk: counts.get(m.pk, {}).get(name, 0) for m in municipalities}
        total = sum(c.get(name, 0) for c in counts.values())
        protected = protect(parts, total)
        row = [protected[m.pk] for m in municipalities] + [shown(total)]
        rows.append(FigureRow(label=str(label), cells=row))
    return rows, from_rollup


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
    until = local_midnight(week_start + datetime.timedelta(days=VISIT_DAYS))
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
        "visits_until": week_start + datetime.timedelta(days=VISIT_DAYS - 1),
        "figures": figures,
        "figure_columns": [m.name for m in municipalities]
        + [str(pgettext_lazy("digest", "Region"))],
        "figures_first": first,
        "figures_last": last,
        "figures_from_rollup": from_rollup,
        "small": SMALL,
        "hidden": HIDDEN,
        "dashboard_url": _absolute("dashboard:index"),
        "visits_url": _absolute("visits:list"),
    }


def digest_email_context(followup: FollowUp) -> dict:
    """The engine's hook (baanbrekers.followups.followup_email_register) for digest mail."""
    alderman = User.objects.prefetch_related("municipalities").get(pk=followup.subject_id)
    return digest_context(alderman=alderman, week_start=followup.due_on)
