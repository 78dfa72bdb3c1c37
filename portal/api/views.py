"""The portal's API, with the same rules as its pages (``portal.access``).

- ``/api/v1/portal/companies/`` the companies the user represents;
- ``/api/v1/portal/proposals/`` anonymised candidate profiles; ``/{id}/answer/`` (POST) answers;
- ``/api/v1/portal/placements/`` placements at the company;
- ``/api/v1/portal/openings/`` offers (list, create, change); ``/{id}/close/`` and
  ``/{id}/reopen/`` (POST) close or reopen one;
- ``/api/v1/portal/impact/`` the company's impact figures.

Every resource is about one company: ``?employer=<id>`` (one of the user's own) or else the
current company of the session. Another company's id is a 404, like any id outside the user's
view. Only employer contacts get in (403 for everyone else).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from baanbrekers.access import get_visible_or_404
from baanbrekers.api.permissions import RolePermission, VisibleToMixin
from employers.models import Employer, Opening
from placements.models import DevelopmentPlacement, Proposal
from portal import services
from portal.access import (
    current_employer,
    portal_employers,
)
from portal.forms import ImpactPeriodForm
from portal.selectors import (
    anonymised_profile,
    candidate_queryset,
    company_impact,
    company_impact_years,
)

from .serializers import (
    AnswerSerializer,
    CandidateSerializer,
    CompanySerializer,
    ImpactSerializer,
    PortalOpeningSerializer,
    PortalPlacementSerializer,
)

EMPLOYER_PARAM = OpenApiParameter(
    "employer",
    OpenApiTypes.INT,
    description="One of your companies; default: the current company of your session.",
)


class CompanyScoped:
    """Employer contacts only (403 for everyone else), one company per request."""

    permission_classes = [RolePermission]
    read_if = "is_employer_contact"
    write_if = "is_employer_contact"

    def company(self):
        if not hasattr(self, "_company"):
            chosen = self.request.query_params.get("employer")
            if chosen:
                self._company = get_visible_or_404(portal_employers(self.request.user), chosen)
            else:
                self._company = current_employer(self.request._request)
                if self._company is None:
                    raise NotFound("You do not represent a company (yet).")
        return self._company


class CompanyViewSet(CompanyScoped, VisibleToMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CompanySerializer
    queryset = Employer.objects.order_by("trade_name")


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class ProposalViewSet(CompanyScoped, VisibleToMixin, viewsets.GenericViewSet):
    serializer_class = CandidateSerializer
    queryset = Proposal.objects.all()

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no company
            return qs
        return candidate_queryset(qs.filter(opening__employer=self.company()))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = CandidateSerializer([anonymised_profile(p) for p in page], many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        proposal = self.get_object()
        return Response(CandidateSerializer(anonymised_profile(proposal)).data)

    @extend_schema(request=AnswerSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        proposal = self.get_object()
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.candidate_answer(proposal=proposal, user=request.user, **incoming.validated_data)
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(CandidateSerializer(anonymised_profile(proposal)).data)


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class PlacementViewSet(CompanyScoped, VisibleToMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PortalPlacementSerializer
    queryset = DevelopmentPlacement.objects.select_related("jobseeker", "employer", "supervisor")

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(employer=self.company()).order_by("-start_date", "-id")


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class OpeningViewSet(
    CompanyScoped,
    VisibleToMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PortalOpeningSerializer
    queryset = Opening.objects.prefetch_related("competences")

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(employer=self.company()).order_by("-created_at", "-id")

    def perform_create(self, serializer):
        serializer.instance = services.company_opening_create(
            employer=self.company(), user=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.company_opening_update(
            opening=serializer.instance, user=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=PortalOpeningSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        opening = self.get_object()
        opening = services.company_opening_close(
            opening=opening, user=request.user, filled=bool(request.data.get("filled"))
        )
        return Response(PortalOpeningSerializer(opening).data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=PortalOpeningSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        opening = services.company_opening_reopen(opening=self.get_object(), user=request.user)
        return Response(PortalOpeningSerializer(opening).data, status=status.HTTP_200_OK)


class ImpactView(CompanyScoped, APIView):
    @extend_schema(
        parameters=[
            EMPLOYER_PARAM,
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="One calendar year; default: since the company's first activity.",
            ),
        ],
        responses={
            200: ImpactSerializer,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="Not one of your companies"),
        },
    )
    def get(self, request):
        company = self.company()
        # The same period choice as the impact page: a year of the company's, or (none, or
        # not one of its years) since the first activity.
        form = ImpactPeriodForm(request.query_params or None, years=company_impact_years(company))
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        year = form.chosen_year() if form.is_bound else None
        return Response(ImpactSerializer(company_impact(company, year=year)).data)
