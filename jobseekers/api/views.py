"""The job seekers API: the same scoping, masking and audit log as the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.response import Response

from baanbrekers.access import get_visible_or_404
from baanbrekers.api.permissions import InteractiveSessionOnly, RolePermission, VisibleToMixin
from baanbrekers.api.throttles import rate_limit_wait
from baanbrekers.services import audit_list_record

from .. import services
from ..models import Consent, JobSeeker
from ..selectors import JobSeekerFilters, jobseeker_list, jobseeker_words, looks_like_bsn
from .serializers import (
    BsnRevealSerializer,
    ConsentSerializer,
    JobSeekerListParamsSerializer,
    JobSeekerListSerializer,
    JobSeekerSerializer,
    NoteSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[JobSeekerListParamsSerializer], summary="Job seekers you may see"
    ),
    retrieve=extend_schema(summary="One job seeker (the view is logged; BSN masked)"),
    create=extend_schema(summary="Register a job seeker"),
    update=extend_schema(summary="Change a job seeker"),
    partial_update=extend_schema(summary="Change some fields of a job seeker"),
)
@method_decorator(sensitive_post_parameters("bsn"), name="dispatch")
class JobSeekerViewSet(
    VisibleToMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Job seekers of the caller's municipalities (all for coordinators). The BSN is never
    returned except by the logged ``reveal-bsn`` action."""

    # Caseworkers and coordinators only; aldermen and employer contacts get 403.
    read_if = "works_in_back_office"
    write_if = "works_in_back_office"
    serializer_class = JobSeekerSerializer
    queryset = JobSeeker.objects.select_related("municipality")

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        if looks_like_bsn(self.request.query_params.get("q", "")):
            # A BSN in a query string ends up in access logs; there is no BSN search by GET.
            raise serializers.ValidationError(
                {"q": ["A BSN does not belong in a URL: search by name, postcode or skill."]}
            )
        JobSeekerListParamsSerializer(data=self.request.query_params).is_valid(raise_exception=True)
        filters = JobSeekerFilters.from_params(self.request.query_params)
        qs, _sort = jobseeker_list(
            user=self.request.user,
            filters=filters,
            sort=self.request.query_params.get("ordering", ""),
        )
        return qs

    def get_serializer_class(self):
        return JobSeekerListSerializer if self.action == "list" else JobSeekerSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            # The page's skills and interests as names, one query (JobSeekerListSerializer).
            words = jobseeker_words([jobseeker.pk for jobseeker in page])
            for jobseeker in page:
                jobseeker.skill_names, jobseeker.interest_names = words.get(jobseeker.pk, ([], []))
            # As on the page: one audit event per page of the list, with the ids it holds.
            audit_list_record(
                actor=self.request.user,
                model=JobSeeker,
                ids=[jobseeker.pk for jobseeker in page],
                source="api",
                page=self.paginator.page.number,
                request=self.request,
            )
        return page

    def retrieve(self, request, *args, **kwargs):
        jobseeker = self.get_object()
        services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
        return Response(self.get_serializer(jobseeker).data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        bsn = data.pop("bsn")
        serializer.instance = services.jobseeker_create(
            user=self.request.user,
            bsn=bsn,
            data=data,
            skill_names=data.pop("skills", []),
            interest_names=data.pop("interests", []),
            request=self.request,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.jobseeker_update(
            jobseeker=serializer.instance,
            user=self.request.user,
            bsn=data.pop("bsn", ""),
            skill_names=data.pop("skills", None),
            interest_names=data.pop("interests", None),
            data=data,
            request=self.request,
        )

    @extend_schema(
        request=None,
        responses=BsnRevealSerializer,
        summary="Reveal the BSN (written to the audit log)",
        description="Only in a signed-in browser session, never with an API token (403); "
        "limited per user (429, the refused attempt is logged too).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="reveal-bsn",
        permission_classes=[RolePermission, InteractiveSessionOnly],
    )
    def reveal_bsn(self, request, pk=None):
        jobseeker = self.get_object()
        wait = rate_limit_wait(request, "bsn_reveal")
        if wait is not None:
            services.jobseeker_reveal_bsn_refused(
                jobseeker=jobseeker, user=request.user, reason="too many reveals", request=request
            )
            raise Throttled(wait=wait)
        with transaction.atomic():
            bsn = services.jobseeker_reveal_bsn(
                jobseeker=jobseeker, user=request.user, request=request
            )
        response = Response({"bsn": bsn})
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(methods=["get"], responses=ConsentSerializer(many=True), summary="Consents")
    @extend_schema(
        methods=["post"],
        request=ConsentSerializer,
        responses={201: ConsentSerializer},
        summary="Record a consent",
    )
    # A plain list (the GET answers all of one person's consents): not paginated.
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=ConsentSerializer,
        pagination_class=None,
    )
    def consents(self, request, pk=None):
        jobseeker = self.get_object()
        if request.method == "GET":
            services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
            return Response(ConsentSerializer(jobseeker.consents.all(), many=True).data)
        serializer = ConsentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_give(
            jobseeker=jobseeker, user=request.user, request=request, **serializer.validated_data
        )
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=ConsentSerializer,
        parameters=[OpenApiParameter("consent_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        summary="Withdraw a consent (from today)",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"consents/(?P<consent_pk>\d+)/withdraw",
        serializer_class=ConsentSerializer,
    )
    def withdraw_consent(self, request, pk=None, consent_pk=None):
        jobseeker = self.get_object()
        consent = get_visible_or_404(
            Consent.objects.visible_to(request.user).filter(jobseeker=jobseeker), consent_pk
        )
        services.consent_withdraw(consent=consent, user=request.user, request=request)
        return Response(ConsentSerializer(consent).data)

    @extend_schema(methods=["get"], responses=NoteSerializer(many=True), summary="Notes")
    @extend_schema(
        methods=["post"],
        request=NoteSerializer,
        responses={201: NoteSerializer},
        summary="Add a note",
    )
    @action(
        detail=True, methods=["get", "post"], serializer_class=NoteSerializer, pagination_class=None
    )
    def notes(self, request, pk=None):
        jobseeker = self.get_object()
        if request.method == "GET":
            # Notes are part of the file: reading them is a logged view, as on the page.
            services.jobseeker_view(jobseeker=jobseeker, user=request.user, request=request)
            notes = jobseeker.notes.select_related("author")
            return Response(NoteSerializer(notes, many=True).data)
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(
            jobseeker=jobseeker,
            text=serializer.validated_data["text"],
            author=request.user,
            request=request,
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
