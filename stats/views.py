"""Dashboards and exports of the statistics. Thin: access in stats.access, figures from
stats.selectors (the roll-up only), formats in stats.exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
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
from .selectors import Report, build_report

TREND_CHART = ["jobs", "placements_started", "outflow"]


def region_name() -> str:
    return _("Region (all municipalities)")


def _report(request) -> tuple[DashboardFilterForm, Report]:
    user = request.user
    if not can_see_stats(user):
        raise PermissionDenied
    municipalities = municipalities_in_order(user)
    form = DashboardFilterForm(
        request.GET or None, municipalities=municipalities, region_name=region_name()
    )
    area = area_for_user(user, form.area_code(), municipalities)
    report = build_report(
        period=form.period(),
        area=area,
        visible=municipalities,
        region_name=region_name(),
        exact=sees_exact_figures(user),
        own={m.pk for m in municipalities if m.is_own},
    )
    return form, report


@login_required
@require_GET
def index(request):
    form, report = _report(request)
    labels = dict(report.trend_columns)
    context = {
        "form": form,
        "report": report,
        "funnel_chart": charts.hbars([(label, bar, s) for _k, label, bar, s in report.funnel]),
        "routes_chart": charts.hbars([(label, bar, s) for _k, label, bar, s in report.routes]),
        "trend_chart": charts.columns(
            report.trend_bars, report.trend, [(key, labels[key]) for key in TREND_CHART]
        ),
        "comparison_areas": [
            {"name": name, "own": name in report.comparison_own} for name, _c in report.comparison
        ],
        "comparison_rows": [
            (key, label, [cells[key] for _name, cells in report.comparison])
            for key, label in report.comparison_columns
        ],
        "legend": report.legend,
        "state": RollupState.objects.filter(pk=1).first(),
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
