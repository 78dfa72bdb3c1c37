"""Dashboards and exports of the statistics. Thin: access in stats.access, figures from
stats.selectors (the roll-up only), formats in stats.exports."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from baanbrekers.pdf import PdfUnavailable, pdf_unavailable

from . import charts, exports
from .access import (
    area_for_user,
    can_see_stats,
    municipalities_in_order,
    sees_exact_figures,
)
from .forms import DashboardFilterForm
from .models import RollupState
from .selectors import Report, build_report, legend

TREND_CHART = ["jobs", "placements_started", "outflow"]


def region_name() -> str:
    return _("Region (all municipalities)")


def _selection(request) -> tuple[DashboardFilterForm, dict]:
    """The form and the arguments of ``build_report`` for this reader and request."""
    user = request.user
    if not can_see_stats(user):
        raise PermissionDenied
    municipalities = municipalities_in_order(user)
    form = DashboardFilterForm(
        request.GET or None, municipalities=municipalities, region_name=region_name()
    )
    area = area_for_user(user, form.area_code(), municipalities)
    return form, {
        "period": form.period(),
        "area": area,
        "visible": municipalities,
        "region_name": region_name(),
        "exact": sees_exact_figures(user),
        "own": {m.pk for m in municipalities if m.is_own},
    }


def _report(request) -> tuple[DashboardFilterForm, Report]:
    form, selection = _selection(request)
    return form, build_report(**selection)


# The rendered figures of a dashboard (tables and charts: most of the page's work) are kept
# this long; the key changes with every roll-up run, so they are never older than the figures.
FIGURES_CACHE_SECONDS = 6 * 60 * 60
# What else the figures as shown depend on (disclosure control, the benefit estimate).
_FIGURE_SETTINGS = [
    "DISCLOSURE_THRESHOLD",
    "DISCLOSURE_ROUNDING",
    "DISCLOSURE_MIN_DENOMINATOR",
    "AVERAGE_MONTHLY_BENEFIT",
    "BENEFIT_MONTHS_SAVED",
]


def _figures_key(selection: dict, state: RollupState | None) -> str:
    """Everything the figures part of the dashboard depends on: the roll-up run that made the
    figures, the reader's selection (period, area, the municipalities they see and which are
    their own, exact or protected), the language and the settings of disclosure control."""
    area = selection["area"]
    parts = [
        state.last_run_at.isoformat() if state and state.last_run_at else None,
        get_language(),
        selection["period"].start.isoformat(),
        selection["period"].end.isoformat(),
        (area.pk, area.name) if area else None,
        [(m.pk, m.name) for m in selection["visible"]],
        sorted(selection["own"]),
        selection["exact"],
        selection["region_name"],
        [getattr(settings, name) for name in _FIGURE_SETTINGS],
    ]
    return "stats:dashboard-figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _figures_html(selection: dict, state: RollupState | None) -> str:
    """The dashboard's tables and charts, rendered once per roll-up run and selection."""
    key = _figures_key(selection, state)
    html = cache.get(key)
    if html is None:
        report = build_report(**selection)
        labels = dict(report.trend_columns)
        context = {
            "report": report,
            "funnel_chart": charts.hbars([(label, bar, s) for _k, label, bar, s in report.funnel]),
            "routes_chart": charts.hbars([(label, bar, s) for _k, label, bar, s in report.routes]),
            "trend_chart": charts.columns(
                report.trend_bars, report.trend, [(key, labels[key]) for key in TREND_CHART]
            ),
            "comparison_areas": [
                {"name": name, "own": name in report.comparison_own}
                for name, _c in report.comparison
            ],
            "comparison_rows": [
                (key, label, [cells[key] for _name, cells in report.comparison])
                for key, label in report.comparison_columns
            ],
        }
        html = render_to_string("stats/includes/dashboard_figures.html", context)
        cache.set(key, html, FIGURES_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, escaped there


@login_required
@require_GET
def index(request):
    form, selection = _selection(request)
    state = RollupState.objects.filter(pk=1).first()
    area = selection["area"]
    context = {
        "form": form,
        "area_name": area.name if area else selection["region_name"],
        "period": selection["period"],
        "exact": selection["exact"],
        "figures": _figures_html(selection, state),
        "legend": legend(exact=selection["exact"]),
        "state": state,
        "query": request.GET.urlencode(),
    }
    return render(request, "stats/index.html", context)


@login_required
@require_GET
def report_print(request):
    """The printable report (the browser's print dialog makes a PDF of it too)."""
    _form, report = _report(request)
    return render(
        request,
        "stats/report.html",
        {
            "report": report,
            "tables": exports.report_tables(report),
            "period_label": exports.period_label(report),
        },
    )


FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.to_xlsx,
    ),
    "pdf": ("application/pdf", exports.to_pdf),
}


@login_required
@require_GET
def export(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _form, report = _report(request)
    content_type, render_export = FORMATS[fmt]
    name = slugify(
        f"baanbrekers-cijfers-{report.area_name}-{report.period.start:%Y-%m}-{report.period.end:%Y-%m}"
    )
    try:
        content = render_export(report)
    except PdfUnavailable:
        # The platform runs without the PDF engine's system libraries (baanbrekers.pdf).
        return pdf_unavailable(
            request,
            context={"back_url": reverse("dashboard:index") + "?" + request.GET.urlencode()},
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
