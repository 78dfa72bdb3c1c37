"""Reads of the statistics, from the roll-up only (never the raw tables).

A dashboard or export costs two queries whatever the number of days, rows or municipalities:
one for the sums per municipality (period, all time, and the stocks at the period's end), one
for the months of the chosen area.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from baanbrekers.models import Municipality
from placements.models import JobRoute

from . import suppression as sup
from .models import COUNT_FIELDS, DailyFigures

# The estimate of benefit payments saved: outflow × months × average monthly benefit. Policy,
# not code: a region sets STATS_AVERAGE_MONTHLY_BENEFIT / STATS_BENEFIT_MONTHS_SAVED in its
# settings. The default is roughly the Participatiewet norm for a single adult (2026, euros),
# counted for the first year off benefits.
DEFAULT_AVERAGE_MONTHLY_BENEFIT = 1400
DEFAULT_BENEFIT_MONTHS_SAVED = 12


def average_monthly_benefit() -> int:
    return int(getattr(settings, "STATS_AVERAGE_MONTHLY_BENEFIT", DEFAULT_AVERAGE_MONTHLY_BENEFIT))


def benefit_months_saved() -> int:
    return int(getattr(settings, "STATS_BENEFIT_MONTHS_SAVED", DEFAULT_BENEFIT_MONTHS_SAVED))


JOB_FIELDS = [f"jobs_{route}" for route in JobRoute.values]


@dataclass(frozen=True)
class Period:
    """Whole months, ``start`` on a first and ``end`` on a last day."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def months(cls, first: datetime.date, last: datetime.date) -> Period:
        end_day = calendar.monthrange(last.year, last.month)[1]
        return cls(first.replace(day=1), last.replace(day=end_day))

    def month_starts(self) -> list[datetime.date]:
        out, day = [], self.start
        while day <= self.end:
            out.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return out


def _period_sums(row: dict, prefix: str) -> dict[str, int]:
    return {f: row.get(f"{prefix}{f}") or 0 for f in COUNT_FIELDS}


@dataclass
class Figures:
    """The sums of one area (a municipality or the region)."""

    period: dict[str, int] = field(default_factory=dict)
    all_time: dict[str, int] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> Figures:
        return cls({f: 0 for f in COUNT_FIELDS}, {f: 0 for f in COUNT_FIELDS})

    def add(self, other: Figures) -> None:
        for f in COUNT_FIELDS:
            self.period[f] += other.period[f]
            self.all_time[f] += other.all_time[f]

    @property
    def jobs(self) -> int:
        return sum(self.period[f] for f in JOB_FIELDS)

    @property
    def jobs_since_start(self) -> int:
        return sum(self.all_time[f] for f in JOB_FIELDS)

    @property
    def placements_active(self) -> int:
        """Active at the end of the period: started minus ended, up to then."""
        t = self.all_time
        return t["placements_started"] - t["placements_completed"] - t["placements_ended_early"]

    @property
    def buddy_pairs_active(self) -> int:
        return self.all_time["buddy_pairs_started"] - self.all_time["buddy_pairs_ended"]

    @property
    def benefit_saved(self) -> int:
        return self.period["outflow"] * benefit_months_saved() * average_monthly_benefit()

    @property
    def average_days_to_work(self) -> int | None:
        n = self.period["outflow"]
        return round(self.period["days_to_work_total"] / n) if n else None

    def share(self, months: int) -> int | None:
        due = self.period[f"retention_{months}m_due"]
        return round(100 * self.period[f"retention_{months}m_working"] / due) if due else None


def figures_per_municipality(period: Period) -> dict[int, Figures]:
    """Sums for the period and up to its end, per municipality id (all municipalities: the
    region total needs them; callers show only the visible ones)."""
    in_period = Q(day__gte=period.start)
    annotations = {}
    for f in COUNT_FIELDS:
        annotations[f"p_{f}"] = Sum(f, filter=in_period)
        annotations[f"t_{f}"] = Sum(f)
    rows = (
        DailyFigures.objects.filter(day__lte=period.end)
        .order_by()
        .values("municipality_id")
        .annotate(**annotations)
    )
    return {
        row["municipality_id"]: Figures(_period_sums(row, "p_"), _period_sums(row, "t_"))
        for row in rows
    }


def monthly(period: Period, municipality: Municipality | None) -> list[tuple[datetime.date, dict]]:
    """Each month of the period with its sums, for one municipality or the region."""
    qs = DailyFigures.objects.filter(day__gte=period.start, day__lte=period.end)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    rows = (
        qs.annotate(month=TruncMonth("day"))
        .order_by()
        .values("month")
        .annotate(**{f: Sum(f) for f in COUNT_FIELDS})
    )
    by_month = {row["month"]: row for row in rows}
    out = []
    for month in period.month_starts():
        row = by_month.get(month, {})
        values = {f: row.get(f) or 0 for f in COUNT_FIELDS}
        values["jobs"] = sum(values[f] for f in JOB_FIELDS)
        out.append((month, values))
    return out


# --- What a dashboard, an export and the API show: already suppressed --------------------------
HEADLINES = [
    ("jobs_since_start", _("Jobs found since the start")),
    ("jobs", _("Jobs found in this period")),
    ("placements_active", _("Placements active at the end of the period")),
    ("outflow", _("Outflow from benefits in this period")),
    ("outflow_since_start", _("Outflow from benefits since the start")),
    ("buddy_pairs_active", _("Buddy pairs active at the end of the period")),
]

FUNNEL = [
    ("visit_jobseekers", _("Joined a company visit")),
    ("clicks", _("Click with a company")),
    ("proposals", _("Proposed to an employer")),
    ("placements_started", _("Placement started")),
    ("jobs", _("Paid job")),
]

ROUTE_LABELS = dict(zip(JOB_FIELDS, JobRoute.labels, strict=True))

COMPARISON = [
    ("visits_held", _("Visits held")),
    ("alderman_visits", _("Visits with an alderman")),
    ("visit_jobseekers", _("Job seekers at visits")),
    ("clicks", _("Clicks")),
    ("proposals", _("Proposals")),
    ("placements_started", _("Placements started")),
    ("placements_active", _("Placements active")),
    ("jobs", _("Jobs found")),
    ("outflow", _("Outflow")),
    ("introductions", _("Introductions by buddies")),
]

DETAIL = [
    ("visits_held", _("Visits held")),
    ("alderman_visits", _("Visits with an alderman")),
    ("visit_jobseekers", _("Job seekers who joined visits")),
    ("clicks", _("Clicks")),
    ("proposals", _("Proposals")),
    ("proposals_interested", _("Answered: interested")),
    ("proposals_not_now", _("Answered: not now")),
    ("proposals_declined", _("Answered: no")),
    ("placements_started", _("Placements started")),
    ("placements_completed", _("Placements completed")),
    ("placements_ended_early", _("Placements ended early")),
    ("buddy_pairs_started", _("Buddy pairs started")),
    ("introductions", _("Introductions made by buddies")),
]

TREND = [
    ("visits_held", _("Visits held")),
    ("proposals", _("Proposals")),
    ("placements_started", _("Placements started")),
    ("jobs", _("Jobs found")),
    ("outflow", _("Outflow")),
]


def _value(figures: Figures, key: str) -> int:
    if key == "jobs":
        return figures.jobs
    if key == "jobs_since_start":
        return figures.jobs_since_start
    if key == "placements_active":
        return figures.placements_active
    if key == "buddy_pairs_active":
        return figures.buddy_pairs_active
    if key == "outflow_since_start":
        return figures.all_time["outflow"]
    return figures.period[key]


@dataclass
class Report:
    """Everything shown for a period and an area, with suppression applied."""

    period: Period
    area_name: str
    headlines: list[tuple[str, str, int | str]]
    estimates: list[tuple[str, str, object]]
    funnel: list[tuple[str, str, int, int | str]]  # key, label, raw (for bar length), shown
    routes: list[tuple[str, str, int, int | str]]
    routes_total: int | str
    trend_columns: list[tuple[str, str]]
    trend: list[tuple[datetime.date, dict[str, int | str]]]
    trend_raw: list[tuple[datetime.date, dict[str, int]]]
    trend_totals: dict[str, int | str]
    comparison_columns: list[tuple[str, str]]
    comparison: list[tuple[str, dict[str, int | str]]]
    details: list[tuple[str, str, int | str]]


def _bar_value(shown_value: int | str, raw: int) -> int:
    # Charts must not leak what the tables hide: a hidden value has no bar of its own size.
    return raw if isinstance(shown_value, int) else 0


def build_report(
    *,
    period: Period,
    area: Municipality | None,
    visible: list[Municipality],
    region_name: str,
) -> Report:
    """Everything shown for ``area`` (None: the region) with suppression applied once, here.

    A municipality's figure hidden as "x" in the comparison (so that the rest of the region
    cannot be worked out) stays hidden wherever else that figure appears: its headline, funnel
    step, details, and the months and routes that would add up to it.
    """
    per_municipality = figures_per_municipality(period)
    region = Figures.empty()
    for figures in per_municipality.values():
        region.add(figures)
    mine = per_municipality.get(area.pk, Figures.empty()) if area else region

    comparison_cells = {}
    for key, _label in COMPARISON:
        parts = {m.pk: _value(per_municipality.get(m.pk, Figures.empty()), key) for m in visible}
        comparison_cells[key] = sup.protect(parts, _value(region, key))
    comparison = [
        (m.name, {key: comparison_cells[key][m.pk] for key, _l in COMPARISON}) for m in visible
    ]
    comparison.append(
        (region_name, {key: sup.shown(_value(region, key)) for key, _l in COMPARISON})
    )
    # The headlines "since the start" are not in the comparison but follow the same rule.
    protected = dict(comparison_cells)
    for key, _label in HEADLINES:
        if key not in protected:
            parts = {
                m.pk: _value(per_municipality.get(m.pk, Figures.empty()), key) for m in visible
            }
            protected[key] = sup.protect(parts, _value(region, key))
    hidden = {
        key
        for key, cells in protected.items()
        if area is not None and cells.get(area.pk) == sup.HIDDEN
    }

    def cell(key: str, raw: int) -> int | str:
        return sup.HIDDEN if key in hidden and raw else sup.shown(raw)

    headlines = [(key, label, cell(key, _value(mine, key))) for key, label in HEADLINES]
    outflow = mine.period["outflow"] if "outflow" not in hidden else 0
    saved = sup.shown_derived(mine.benefit_saved, outflow)
    if isinstance(saved, int):
        saved = "€ " + formats.number_format(saved, force_grouping=True)
    estimates = [
        (
            "benefit_saved",
            _("Estimated benefit payments saved (outflow × %(months)s months × € %(amount)s)")
            % {"months": benefit_months_saved(), "amount": average_monthly_benefit()},
            saved,
        ),
        (
            "average_days_to_work",
            _("Average days from first contact to work"),
            sup.shown_derived(mine.average_days_to_work, outflow),
        ),
        (
            "still_working_6m",
            _("Still working after 6 months (%)"),
            sup.shown_derived(mine.share(6), mine.period["retention_6m_due"]),
        ),
        (
            "still_working_12m",
            _("Still working after 12 months (%)"),
            sup.shown_derived(mine.share(12), mine.period["retention_12m_due"]),
        ),
    ]
    funnel = []
    for key, label in FUNNEL:
        raw = _value(mine, key)
        shown = cell(key, raw)
        funnel.append((key, label, _bar_value(shown, raw), shown))

    route_raw = {f: mine.period[f] for f in JOB_FIELDS}
    if "jobs" in hidden:
        route_shown = {f: sup.HIDDEN if n else 0 for f, n in route_raw.items()}
    else:
        route_shown = sup.protect(route_raw, mine.jobs)
    routes = [
        (f, ROUTE_LABELS[f], _bar_value(route_shown[f], route_raw[f]), route_shown[f])
        for f in JOB_FIELDS
    ]

    months = monthly(period, area)
    trend_shown_cols = {}
    for key, _label in TREND:
        raw = {month: values[key] for month, values in months}
        if key in hidden:
            trend_shown_cols[key] = {m: sup.HIDDEN if n else 0 for m, n in raw.items()}
        else:
            trend_shown_cols[key] = sup.protect(raw, sum(raw.values()))
    trend = [(month, {k: trend_shown_cols[k][month] for k, _l in TREND}) for month, _v in months]
    trend_raw = [
        (month, {k: _bar_value(trend_shown_cols[k][month], values[k]) for k, _l in TREND})
        for month, values in months
    ]
    trend_totals = {k: cell(k, sum(v[k] for _m, v in months)) for k, _l in TREND}
    details = [(key, label, cell(key, mine.period[key])) for key, label in DETAIL]
    return Report(
        period=period,
        area_name=area.name if area else region_name,
        headlines=headlines,
        estimates=estimates,
        funnel=funnel,
        routes=routes,
        routes_total=cell("jobs", mine.jobs),
        trend_columns=TREND,
        trend=trend,
        trend_raw=trend_raw,
        trend_totals=trend_totals,
        comparison_columns=COMPARISON,
        comparison=comparison,
        details=details,
    )
