"""The employers API, with the same scoping as the pages (``employers.access``).

Resources:

- ``/api/v1/employers/`` list (filters as the page), create; ``/{id}/`` read, update.
- ``/api/v1/employers/{employer_pk}/contacts/`` the contact persons.
- ``/api/v1/employers/{employer_pk}/notes/`` the timeline of contact moments (back office only).
- ``/api/v1/employers/{employer_pk}/openings/`` vacancies, placements, buddy and visit offers.

An employer outside the user's view is a 404 on every route, nested ones included. Employer
contacts read their own company, its contacts and openings, and may change its story (PUT/PATCH
of the story fields); the rest is for caseworkers and coordinators.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from baanbrekers.access import is_employer_contact
from baanbrekers.api.permissions import VisibleToMixin
from employers.access import employer_for_user
from employers.models import ContactMoment, Employer, EmployerContact, Opening, Sector
from employers.selectors import (
    EMPLOYER_SORTING,
    EmployerFilters,
    employer_list,
    employer_search,
)

from .serializers import (
    ContactMomentSerializer,
    EmployerContactSerializer,
    EmployerFilterSerializer,
    EmployerSerializer,
    EmployerStorySerializer,
    OpeningSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List employers",
        description="The employers the user may see, filtered and sorted.",
        parameters=[EmployerFilterSerializer],
    ),
    retrieve=extend_schema(summary="Read an employer"),
    create=extend_schema(summary="Register an employer (back office)"),
    update=extend_schema(summary="Change an employer"),
    partial_update=extend_schema(
        summary="Change part of an employer",
        description="Employer contacts may change the story fields of their own company only.",
    ),
)
class EmployerViewSet(
    VisibleToMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    # Reading: the back office and employer contacts (their own company, by the scoping);
    # aldermen are refused (DESIGN.md section 4). Writing is the back office's, except that an
    # employer contact may change their own company's story.
    read_if = "works_in_back_office_or_for_employer"
    write_if = "works_in_back_office"
    action_if = {
        "update": "works_in_back_office_or_for_employer",
        "partial_update": "works_in_back_office_or_for_employer",
    }
    serializer_class = EmployerSerializer
    queryset = Employer.objects.all()

    def get_queryset(self):
        return employer_list(super().get_queryset())

    def get_serializer_class(self):
        if self.action in ("update", "partial_update") and is_employer_contact(self.request.user):
            return EmployerStorySerializer
        return EmployerSerializer

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        if is_employer_contact(request.user):
            # A contact writes the story fields only, but gets the company back as every read
            # shows it (the schema documents one answer: Employer).
            employer = self.get_object()
            response.data = EmployerSerializer(employer, context=self.get_serializer_context()).data
        return response

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        params = EmployerFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        sector = None
        if data.get("sector"):
            sector = Sector.objects.filter(code=data["sector"]).first()
            if sector is None:
                return queryset.none()
        filters = EmployerFilters(
            q=data.get("q", ""),
            municipality=data.get("municipality"),
            status=data.get("status", ""),
            sector=sector,
            owner=data.get("owner"),
            skill=data.get("skill", ""),
        )
        queryset, _ = EMPLOYER_SORTING.apply(
            employer_search(queryset, filters, user=self.request.user), data.get("ordering")
        )
        return queryset


EMPLOYER_PK = OpenApiParameter(
    "employer_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Employer id"
)


class EmployerNestedMixin:
    """Routes under ``/employers/{employer_pk}/``: the employer is fetched through the access
    helper first, so another municipality's employer is a 404 before anything else."""

    def get_employer(self) -> Employer:
        if not hasattr(self, "_employer"):
            self._employer = employer_for_user(self.request.user, self.kwargs["employer_pk"])
        return self._employer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["employer"] = self.get_employer()
        return context

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.get_employer()


@extend_schema(parameters=[EMPLOYER_PK])
class EmployerContactViewSet(
    VisibleToMixin,
    EmployerNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Contact persons of an employer."""

    read_if = "works_in_back_office_or_for_employer"  # not aldermen: 403
    write_if = "works_in_back_office"
    serializer_class = EmployerContactSerializer
    queryset = EmployerContact.objects.all()
    pagination_class = None

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(employer=self.get_employer())


@extend_schema(parameters=[EMPLOYER_PK])
class ContactMomentViewSet(
    VisibleToMixin,
    EmployerNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The employer's timeline: contact moments, newest first. Back office only."""

    read_if = "works_in_back_office"
    write_if = "works_in_back_office"
    serializer_class = ContactMomentSerializer
    queryset = ContactMoment.objects.select_related("author")

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(employer=self.get_employer())


@extend_schema(parameters=[EMPLOYER_PK])
class OpeningViewSet(
    VisibleToMixin,
    EmployerNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What the employer offers. Closing an opening is a PATCH of its status."""

    read_if = "works_in_back_office_or_for_employer"  # not aldermen: 403
    write_if = "works_in_back_office"
    serializer_class = OpeningSerializer
    queryset = Opening.objects.prefetch_related("competences")

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(employer=self.get_employer())
