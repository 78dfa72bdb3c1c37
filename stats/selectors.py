"""Reads of the statistics, from the roll-up only (never the raw tables), and the one place
where figures get their disclosure control (baanbrekers.disclosure) before anyone sees them.

Every surface asks ``build_report`` (dashboard, exports, print, API) or ``figures_compared``
(the aldermen's digest) with ``exact`` from ``stats.access.sees_exact_figures``: the back office
gets exact figures, everyone else protected ones; the default is protected.

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

from baanbrekers import disclosure
from baanbrekers.models import Municipality
from placements.models import JobRoute

from .models import COUNT_FIELDS, DailyFigures


def benefit_saved_per_person() -> int:
    """The estimate of benefit payments saved per person who left benefits for work: policy,
    not code (settings AVERAGE_MONTHLY_BENEFIT × BENEFIT_MONTHS_SAVED)."""
    return settings.AVERAGE_MONTHLY_BENEFIT * settings.BENEFIT_MONTHS_SAVED


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
    def average_days_to_work(self) -> int | None:
        n = self.period["outflow"]
        return round(self.period["days_to_work_total"] / n) if n else None

    def share(self, months: int) -> int | None:
        """Percent still working among the answered checks (stats.models: answers only)."""
        answered = self.period[f"retention_{months}m_answered"]
        working = self.period[f"retention_{months}m_working"]
        return round(100 * working / answered) if answered else None

    def unanswered(self, months: int) -> int:
        """Due for the check but nobody answered it yet."""
        p = self.period
        return max(p[f"retention_{months}m_due"] - p[f"retention_{months}m_answered"], 0)


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


def _region(per_municipality: dict[int, Figures]) -> Figures:
    region = Figures.empty()
    for figures in per_municipality.values():
        region.add(figures)
    return region


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


# --- What a dashboard, an export, the API and the digest show ---------------------------------
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
    ("retention_6m_due", _("First job started at least 6 months ago")),
    ("retention_6m_working", _("Still working after 6 months (answered yes)")),
    ("retention_6m_unanswered", _("6-month check not answered yet")),
    ("retention_12m_due", _("First job started at least 12 months ago")),
    ("retention_12m_working", _("Still working after 12 months (answered yes)")),
    ("retention_12m_unanswered", _("12-month check not answered yet")),
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
    if key in ("retention_6m_unanswered", "retention_12m_unanswered"):
        return figures.unanswered(6 if key.startswith("retention_6m") else 12)
    return figures.period[key]


Cell = int | str


def _count(n: int, exact: bool) -> Cell:
    """A count as this reader may see it: exact for the back office, else disclosure control."""
    return n if exact else disclosure.count_shown(n)


def _derived(value: int | None, denominator: int, exact: bool) -> object:
    if exact:
        return disclosure.NOT_SHOWN if value is None else value
    return disclosure.derived_shown(value, denominator)


def _bar(shown: Cell) -> int:
    # Charts are drawn from what the table shows, so a bar never tells more than its cell.
    return shown if isinstance(shown, int) else 0


def _euros(amount: object) -> object:
    if isinstance(amount, int):
        return "€ " + formats.number_format(amount, force_grouping=True)
    return amount


def legend(*, exact: bool) -> list[tuple[str, str]]:
    if exact:
        return [(disclosure.NOT_SHOWN, str(_("no value: nothing to average over")))]
    return disclosure.legend()


@dataclass
class Report:
    """Everything shown for a period and an area, already exact or protected for its reader.

    Charts take their lengths from the cells (``funnel``/``routes``' third item, ``trend_bars``),
    never from raw counts."""

    period: Period
    area_name: str
    exact: bool
    headlines: list[tuple[str, str, Cell]]
    estimates: list[tuple[str, str, object]]
    funnel: list[tuple[str, str, int, Cell]]  # key, label, bar length, shown
    routes: list[tuple[str, str, int, Cell]]
    routes_total: Cell
    trend_columns: list[tuple[str, str]]
    trend: list[tuple[datetime.date, dict[str, Cell]]]
    trend_bars: list[tuple[datetime.date, dict[str, int]]]
    trend_totals: dict[str, Cell]
    comparison_columns: list[tuple[str, str]]
    comparison: list[tuple[str, dict[str, Cell]]]
    details: list[tuple[str, str, Cell]]
    legend: list[tuple[str, str]]
    # Names in ``comparison`` that are the reader's own municipalities (shown first, marked).
    comparison_own: frozenset[str] = frozenset()


def build_report(
    *,
    period: Period,
    area: Municipality | None,
    visible: list[Municipality],
    region_name: str,
    exact: bool = False,
    own: frozenset[int] | set[int] = frozenset(),
) -> Report:
    """Everything shown for ``area`` (None: the region), the municipalities ``visible`` to the
    reader and the region: exact for the back office (``exact``), otherwise every count through
    baanbrekers.disclosure. Rounding every cell on its own is what keeps a small number out of
    the differences (region minus municipality, one period minus another); nothing else needs
    hiding. ``own``: ids of the reader's own municipalities, marked in the comparison, which
    lists ``visible`` in the order given and then the region (for an alderman: their own
    municipality beside the others of the region, every cell protected)."""
    per_municipality = figures_per_municipality(period)
    region = _region(per_municipality)
    mine = per_municipality.get(area.pk, Figures.empty()) if area else region

    def count(n: int) -> Cell:
        return _count(n, exact)

    comparison = [
        (
            m.name,
            {
                key: count(_value(per_municipality.get(m.pk, Figures.empty()), key))
                for key, _l in COMPARISON
            },
        )
        for m in visible
    ]
    comparison.append((region_name, {key: count(_value(region, key)) for key, _l in COMPARISON}))

    headlines = [(key, label, count(_value(mine, key))) for key, label in HEADLINES]
    outflow = mine.period["outflow"]
    per_person = benefit_saved_per_person()
    saved = outflow * per_person if exact else disclosure.amount_shown(outflow, per_person)
    estimates = [
        (
            "benefit_saved",
            _("Estimated benefit payments saved (outflow × %(months)s months × € %(amount)s)")
            % {"months": settings.BENEFIT_MONTHS_SAVED, "amount": settings.AVERAGE_MONTHLY_BENEFIT},
            _euros(saved),
        ),
        (
            "average_days_to_work",
            _("Average days from first contact to work"),
            _derived(mine.average_days_to_work, outflow, exact),
        ),
        (
            "still_working_6m",
            _("Still working after 6 months, share of the answered checks (%)"),
            _derived(mine.share(6), mine.period["retention_6m_answered"], exact),
        ),
        (
            "still_working_12m",
            _("Still working after 12 months, share of the answered checks (%)"),
            _derived(mine.share(12), mine.period["retention_12m_answered"], exact),
        ),
    ]
    funnel = []
    for key, label in FUNNEL:
        shown = count(_value(mine, key))
        funnel.append((key, label, _bar(shown), shown))
    routes = []
    for f in JOB_FIELDS:
        shown = count(mine.period[f])
        routes.append((f, ROUTE_LABELS[f], _bar(shown), shown))

    months = monthly(period, area)
    trend = [(month, {k: count(values[k]) for k, _l in TREND}) for month, values in months]
    trend_bars = [(month, {k: _bar(c) for k, c in cells.items()}) for month, cells in trend]
    trend_totals = {k: count(sum(v[k] for _m, v in months)) for k, _l in TREND}
    details = [(key, label, count(_value(mine, key))) for key, label in DETAIL]
    return Report(
        period=period,
        area_name=area.name if area else region_name,
        exact=exact,
        headlines=headlines,
        estimates=estimates,
        funnel=funnel,
        routes=routes,
        routes_total=count(mine.jobs),
        trend_columns=TREND,
        trend=trend,
        trend_bars=trend_bars,
        trend_totals=trend_totals,
        comparison_columns=COMPARISON,
        comparison=comparison,
        details=details,
        legend=legend(exact=exact),
        comparison_own=frozenset(m.name for m in visible if m.pk in own),
    )


def figures_compared(
    *,
    first: datetime.date,
    last: datetime.date,
    municipalities: list[Municipality],
    keys: list[str],
    exact: bool = False,
) -> dict[str, list[Cell]]:
    """For each figure in ``keys``: one cell per municipality, then the region, from ``first``
    to ``last`` (local dates, inclusive; any days, e.g. a week), through the same disclosure
    control as the dashboard. The aldermen's digest reads this."""
    per_municipality = figures_per_municipality(Period(first, last))
    region = _region(per_municipality)
    return {
        key: [
            _count(_value(per_municipality.get(m.pk, Figures.empty()), key), exact)
            for m in municipalities
        ]
        + [_count(_value(region, key), exact)]
        for key in keys
    }
