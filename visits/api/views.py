"""/api/v1/visits/: the same access rules as the pages (visits.access), writes via services."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from baanbrekers.api.permissions import VisibleToMixin

from .. import services
from ..access import sees_jobseeker_names
from ..models import Click, Visit, VisitAction, VisitSignUp, VisitStaff
from ..selectors import signup_count
from .serializers import SignUpSerializer, VisitSerializer


# VisitError is the visits services' own refusal (not a django ValidationError), so it is
# translated here rather than by the project's exception handler.
def _as_validation_error(exc: services.VisitError, default_field: str = "non_field_errors"):
    return serializers.ValidationError({exc.field or default_field: [exc.message]})


# The columns a user's name is made of (User.__str__), for the people a visit lists.
_USER_NAME = ("user__first_name", "user__last_name", "user__email")
_OWNER_NAME = ("owner__first_name", "owner__last_name", "owner__email")


class VisitViewSet(
    VisibleToMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Company visits the user may see, with staff attendees, job seekers, clicks and actions."""

    serializer_class = VisitSerializer
    # Caseworkers, coordinators and aldermen read; writes are the back office's. Employer
    # contacts see their company's visits in the portal, not here.
    read_if = "has_staff_role"
    write_if = "works_in_back_office"
    queryset = Visit.objects.all()

    def get_queryset(self):
        # The related rows go to lists (``to_attr``, read by VisitSerializer): a prefetch into
        # the related managers builds a queryset per visit and relation, most of the list's
        # time. Job seekers' rows only for those who see their names (visits.access), and only
        # the name columns.
        queryset = (
            super()
            .get_queryset()
            .select_related("employer__municipality")
            .annotate(jobseeker_count=signup_count())
            .prefetch_related(
                Prefetch(
                    "staff",
                    queryset=VisitStaff.objects.select_related("user").only(
                        "visit", "user", "user__role", *_USER_NAME
                    ),
                    to_attr="staff_rows",
                ),
                Prefetch(
                    "actions",
                    queryset=VisitAction.objects.select_related("owner").only(
                        "visit", "what", "owner", "due_on", "done", "done_at", *_OWNER_NAME
                    ),
                    to_attr="action_rows",
                ),
            )
            .order_by("-starts_at", "-pk")
        )
        if getattr(self, "swagger_fake_view", False) or not sees_jobseeker_names(self.request.user):
            return queryset
        names = ("jobseeker__first_name", "jobseeker__last_name")
        return queryset.prefetch_related(
            Prefetch(
                "signups",
                queryset=VisitSignUp.objects.select_related("jobseeker").only(
                    "visit", "jobseeker", "created_at", *names
                ),
                to_attr="signup_rows",
            ),
            Prefetch(
                "clicks",
                queryset=Click.objects.select_related("jobseeker").only(
                    "visit", "jobseeker", "note", "created_at", *names
                ),
                to_attr="click_rows",
            ),
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.visit_plan(planned_by=self.request.user, **data)
        except services.VisitError as exc:
            raise _as_validation_error(exc) from exc

    def perform_update(self, serializer):
        changes = {k: v for k, v in serializer.validated_data.items() if k != "employer"}
        try:
            services.visit_update(
                visit=serializer.instance, changed_by=self.request.user, **changes
            )
        except services.VisitError as exc:
            raise _as_validation_error(exc) from exc

    def _fresh(self, pk):
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self._fresh(serializer.instance.pk), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return Response(self._fresh(kwargs["pk"]))

    @extend_schema(request=SignUpSerializer, responses={201: VisitSerializer})
    @action(detail=True, methods=["post"], url_path="jobseekers")
    def sign_up(self, request, pk=None):
        """Signs a job seeker up (consent and capacity checked; a full visit gives 400)."""
        visit = self.get_object()
        serializer = SignUpSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            services.visit_jobseeker_sign_up(
                visit=visit,
                jobseeker=serializer.validated_data["jobseeker"],
                signed_up_by=request.user,
            )
        except services.VisitError as exc:
            raise _as_validation_error(exc, "jobseeker") from exc
        return Response(self._fresh(visit.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"jobseekers/(?P<jobseeker_pk>\d+)")
    def remove_jobseeker(self, request, pk=None, jobseeker_pk=None):
        visit = self.get_object()
        signup = get_object_or_404(VisitSignUp, visit=visit, jobseeker_id=jobseeker_pk)
        try:
            services.visit_jobseeker_remove(
                visit=visit, jobseeker=signup.jobseeker, removed_by=request.user
            )
        except services.VisitError as exc:
            raise _as_validation_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
