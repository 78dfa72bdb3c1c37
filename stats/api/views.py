"""/api/v1/stats/: the dashboard's figures, read-only, with the same access rules and the same
disclosure control: exact for the back office; for aldermen a count of 1 to 4 is the string
"< 5", other counts are rounded down to a multiple of 5, and a share or average over too few
people is the string "–"."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from baanbrekers.api.permissions import RolePermission

from ..access import area_for_user, sees_exact_figures, visible_municipalities
from ..forms import DashboardFilterForm
from ..selectors import build_report
from ..views import region_name


def _cells(items) -> dict:
    """{key: value as shown} from the report's (key, label, ..., shown) tuples."""
    return {item[0]: item[-1] for item in items}


class StatsViewSet(viewsets.ViewSet):
    """Figures for a period (whole months) and an area (``region`` or a CBS code)."""

    # Caseworkers, coordinators and aldermen (stats.access.can_see_stats), aggregates only.
    permission_classes = [RolePermission]
    read_if = "has_staff_role"

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.STR, description="First month, YYYY-MM"),
            OpenApiParameter("end", OpenApiTypes.STR, description="Last month, YYYY-MM"),
            OpenApiParameter("area", OpenApiTypes.STR, description="'region' or a CBS code"),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            404: OpenApiResponse(
                OpenApiTypes.OBJECT, description="An area that does not exist or is not yours"
            ),
        },
    )
    def list(self, request, *args, **kwargs):
        municipalities = list(visible_municipalities(request.user).order_by("name"))
        form = DashboardFilterForm(
            request.query_params, municipalities=municipalities, region_name=region_name()
        )
        if request.query_params and not form.is_valid():
            errors = {k: v for k, v in form.errors.items() if k != "area"}
            if errors:
                raise serializers.ValidationError(errors)
        area = area_for_user(request.user, form.area_code(), municipalities)
        report = build_report(
            period=form.period(),
            area=area,
            visible=municipalities,
            region_name=region_name(),
            exact=sees_exact_figures(request.user),
        )
        return Response(
            {
                "period": {"start": report.period.start, "end": report.period.end},
                "area": area.cbs_code if area else "region",
                "area_name": report.area_name,
                "exact": report.exact,
                "headlines": _cells(report.headlines),
                "estimates": _cells(report.estimates),
                "funnel": _cells(report.funnel),
                "jobs_by_route": {k.removeprefix("jobs_"): s for k, _l, _r, s in report.routes},
                "months": [
                    {"month": month.strftime("%Y-%m"), **cells} for month, cells in report.trend
                ],
                "municipalities": [
                    {"name": name, **cells} for name, cells in report.comparison[:-1]
                ],
                "region": report.comparison[-1][1],
                "details": _cells(report.details),
            }
        )
