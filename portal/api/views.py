"""The portal's API, with the same rules as its pages (``portal.access``).

- ``/api/v1/portal/companies/`` the companies the user represents;
- ``/api/v1/portal/proposals/`` anonymised candidate profiles; ``/{id}/answer/`` (POST) answers;
- ``/api/v1/portal/placements/`` placements at the company;
- ``/api/v1/portal/openings/`` offers (list, create); ``/{id}/close/`` (POST) closes one;
- ``/api/v1/portal/impact/`` the company's impact figures.

Every resource is about one company: ``?employer=<id>`` (one of the user's own) or else the
current company of the session. Another company's id is a 404, like any id outside the user's
view. Only employer contacts get in (403 for everyone else).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from baanbrekers.access import get_visible_or_404
from employers.models import Opening
from placements.models import DevelopmentPlacement, Proposal
from portal import services
from portal.access import (
    current_employer,
    is_portal_user,
    portal_employers,
    portal_opening_for_user,
    portal_openings,
    portal_placement_for_user,
    portal_placements,
    portal_proposal_for_user,
    portal_proposals,
)
from portal.selectors import anonymised_profile, candidate_queryset, company_impact

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


class IsPortalUser(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_portal_user(request.user)


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return ValidationError({"non_field_errors": exc.messages})


class CompanyScoped:
    permission_classes = [permissions.IsAuthenticated, IsPortalUser]

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


class CompanyViewSet(CompanyScoped, viewsets.ReadOnlyModelViewSet):
    serializer_class = CompanySerializer

    def get_queryset(self):
        return portal_employers(self.request.user).order_by("trade_name")


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class ProposalViewSet(CompanyScoped, viewsets.GenericViewSet):
    serializer_class = CandidateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no company
            return Proposal.objects.none()
        return candidate_queryset(portal_proposals(self.request.user, self.company()))

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = CandidateSerializer([anonymised_profile(p) for p in page], many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        proposal = portal_proposal_for_user(request.user, self.company(), pk)
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(CandidateSerializer(anonymised_profile(proposal)).data)

    @extend_schema(request=AnswerSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        proposal = portal_proposal_for_user(request.user, self.company(), pk)
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            services.candidate_answer(
                proposal=proposal, user=request.user, **incoming.validated_data
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        proposal = self.get_queryset().get(pk=proposal.pk)
        return Response(CandidateSerializer(anonymised_profile(proposal)).data)


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class PlacementViewSet(CompanyScoped, viewsets.ReadOnlyModelViewSet):
    serializer_class = PortalPlacementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DevelopmentPlacement.objects.none()
        return portal_placements(self.request.user, self.company()).order_by("-start_date", "-id")

    def get_object(self):
        return portal_placement_for_user(self.request.user, self.company(), self.kwargs["pk"])


@extend_schema_view(list=extend_schema(parameters=[EMPLOYER_PARAM]))
class OpeningViewSet(
    CompanyScoped,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PortalOpeningSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Opening.objects.none()
        return (
            portal_openings(self.request.user, self.company())
            .prefetch_related("competences")
            .order_by("-created_at", "-id")
        )

    def get_object(self):
        return portal_opening_for_user(self.request.user, self.company(), self.kwargs["pk"])

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.company_opening_create(
                employer=self.company(),
                user=self.request.user,
                competences=data.pop("competences", []),
                **data,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc

    @extend_schema(request=None, responses=PortalOpeningSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        opening = self.get_object()
        try:
            opening = services.company_opening_close(
                opening=opening, user=request.user, filled=bool(request.data.get("filled"))
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc
        return Response(PortalOpeningSerializer(opening).data, status=status.HTTP_200_OK)


class ImpactView(CompanyScoped, APIView):
    @extend_schema(parameters=[EMPLOYER_PARAM], responses=ImpactSerializer)
    def get(self, request):
        return Response(ImpactSerializer(company_impact(self.company())).data)
