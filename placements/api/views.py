"""The pipeline API: the same people see the same records as on the pages (placements.access)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from baanbrekers.api.permissions import RolePermission, VisibleToMixin
from matching.ranking import rank_jobseekers_for_opening, rank_openings_for_jobseeker
from visits.selectors import clicked_with

from .. import services
from ..access import (
    jobseeker_for_matching,
    matchable_jobseekers,
    matchable_openings,
    opening_for_matching,
)
from ..models import BuddyPairing, DevelopmentPlacement, JobOutcome, Proposal
from .serializers import (
    BuddyPairingSerializer,
    JobOutcomeSerializer,
    MatchSerializer,
    OpeningMatchSerializer,
    PlacementSerializer,
    ProposalAnswerSerializer,
    ProposalSerializer,
    TransitionSerializer,
)


def _as_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(
            {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        )
    return serializers.ValidationError({"non_field_errors": exc.messages})


class _PipelineViewSet(
    VisibleToMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    # Caseworkers and coordinators (placements.access.may_work_in_pipeline); aldermen and
    # employer contacts get a 403 (aggregates and the portal are elsewhere).
    read_if = "works_in_back_office"
    write_if = "works_in_back_office"


class ProposalViewSet(_PipelineViewSet):
    serializer_class = ProposalSerializer
    queryset = Proposal.objects.order_by("-proposed_at", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.proposal_create(
                jobseeker=data["jobseeker"],
                opening=data["opening"],
                proposed_by=self.request.user,
                motivation=data.get("motivation", ""),
                match_score=data.get("match_score"),
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    @extend_schema(request=ProposalAnswerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        proposal = self.get_object()
        given = ProposalAnswerSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            proposal = services.proposal_answer(
                proposal=proposal, answered_by=request.user, **given.validated_data
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(ProposalSerializer(proposal, context={"request": request}).data)


class PlacementViewSet(_PipelineViewSet):
    serializer_class = PlacementSerializer
    queryset = DevelopmentPlacement.objects.order_by("-start_date", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.placement_create(created_by=self.request.user, **data)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    @extend_schema(request=TransitionSerializer, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """One step of the state machine. What is allowed is the transitions table (shown as the
        placement's ``allowed_actions``); the service refuses anything else with a 400 and the
        Dutch reason."""
        placement = self.get_object()
        given = TransitionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data, user = given.validated_data, request.user
        calls = {
            "confirm_no_displacement": lambda: services.placement_confirm_no_displacement(
                placement=placement, note=data["note"], checked_by=user
            ),
            "agree": lambda: services.placement_agree(placement=placement, agreed_by=user),
            "start": lambda: services.placement_start(placement=placement, started_by=user),
            "extend": lambda: services.placement_extend(
                placement=placement,
                new_end_date=data.get("new_end_date") or placement.planned_end_date,
                extended_by=user,
            ),
            "complete": lambda: services.placement_complete(
                placement=placement, outcome=data.get("outcome", ""), completed_by=user
            ),
            "end_early": lambda: services.placement_end_early(
                placement=placement,
                reason=data["reason"],
                outcome=data.get("outcome", "none"),
                ended_by=user,
            ),
        }
        try:
            placement = calls[data["action"]]()
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(PlacementSerializer(placement, context={"request": request}).data)


class JobOutcomeViewSet(_PipelineViewSet):
    serializer_class = JobOutcomeSerializer
    queryset = JobOutcome.objects.order_by("-start_date", "-pk")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.job_outcome_record(
                recorded_by=self.request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class BuddyPairingViewSet(_PipelineViewSet):
    serializer_class = BuddyPairingSerializer

    queryset = BuddyPairing.objects.prefetch_related("meetings", "introductions").order_by(
        "-start_date", "-pk"
    )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        try:
            serializer.instance = services.buddy_pairing_create(
                created_by=self.request.user, **data
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class OpeningMatchesView(APIView):
    """Ranked job seekers for an opening, with score, explanation and gap."""

    permission_classes = [RolePermission]
    read_if = "works_in_back_office"

    @extend_schema(responses=MatchSerializer(many=True))
    def get(self, request, pk):
        opening = opening_for_matching(request.user, pk)
        matches = rank_jobseekers_for_opening(
            opening, base=matchable_jobseekers(request.user), clicked=clicked_with(opening.employer)
        )
        return Response(MatchSerializer(matches, many=True).data)


class JobSeekerMatchesView(APIView):
    """Ranked open openings for a job seeker."""

    permission_classes = [RolePermission]
    read_if = "works_in_back_office"

    @extend_schema(responses=OpeningMatchSerializer(many=True))
    def get(self, request, pk):
        jobseeker = jobseeker_for_matching(request.user, pk)
        matches = rank_openings_for_jobseeker(jobseeker, openings=matchable_openings(request.user))
        return Response(
            [
                {
                    "opening": m.opening.pk,
                    "title": m.opening.title,
                    "employer": str(m.employer),
                    "score": m.score,
                    "explanation": m.explanation,
                    "gap": m.gap,
                    "distance_km": m.distance_km,
                }
                for m in matches
            ]
        )
