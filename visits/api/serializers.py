"""Visits in the API: attendees, clicks and actions. Job seekers' names only for the back office."""

from django.db.models import Manager
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from employers.models import Employer, EmployerContact
from jobseekers.models import JobSeeker

from ..access import sees_jobseeker_names
from ..models import Click, Visit, VisitAction, VisitSignUp, VisitStaff


class StaffAttendeeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    # str(user); a source of "user.__str__" made DRF inspect the method's signature per row.
    name = serializers.CharField(source="user", read_only=True)
    role = serializers.CharField(source="user.role", read_only=True)

    class Meta:
        model = VisitStaff
        fields = ["id", "name", "role"]


class JobSeekerAttendeeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="jobseeker_id", read_only=True)
    name = serializers.CharField(source="jobseeker.initials_name", read_only=True)

    class Meta:
        model = VisitSignUp
        fields = ["id", "name", "created_at"]


class ClickSerializer(serializers.ModelSerializer):
    jobseeker_name = serializers.CharField(source="jobseeker.initials_name", read_only=True)

    class Meta:
        model = Click
        fields = ["id", "jobseeker", "jobseeker_name", "note", "created_at"]


class VisitActionSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner", read_only=True)

    class Meta:
        model = VisitAction
        fields = ["id", "what", "owner", "owner_name", "due_on", "done", "done_at"]


def _when(value, zone) -> str | None:
    """A moment as DRF's DateTimeField writes it: ISO 8601 in the current time zone (``zone``),
    UTC as Z."""
    if not value:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _text(value) -> str | None:
    return None if value is None else str(value)


def visit_row(visit: Visit, *, shows_names: bool, zone=None) -> dict:
    """One visit of a list, as VisitSerializer writes it, without a field object per value.

    A page of 50 visits with their staff, sign-ups, clicks and actions is some 2,000 values; DRF's
    fields cost most of the list's time for them. ``tests/visits/test_api.py`` holds this to
    the serializer's own output, value for value."""
    zone = zone or timezone.get_current_timezone()
    employer = visit.employer
    return {
        "id": visit.pk,
        "employer": visit.employer_id,
        "employer_name": str(employer.trade_name),
        "municipality": str(employer.municipality.name),
        "starts_at": _when(visit.starts_at, zone),
        "ends_at": _when(visit.ends_at, zone),
        "duration_minutes": visit.duration_minutes,
        "place": str(visit.place),
        "location": str(visit.location),
        "purpose": str(visit.purpose),
        "host": visit.host_id,
        "status": str(visit.status),
        "capacity": visit.capacity,
        "jobseeker_count": visit.jobseeker_count,
        "staff": [
            {"id": row.user_id, "name": str(row.user), "role": str(row.user.role)}
            for row in visit.staff_rows
        ],
        "jobseekers": [
            {
                "id": row.jobseeker_id,
                "name": str(row.jobseeker.initials_name),
                "created_at": _when(row.created_at, zone),
            }
            for row in visit.signup_rows
        ]
        if shows_names
        else [],
        "clicks": [
            {
                "id": row.pk,
                "jobseeker": row.jobseeker_id,
                "jobseeker_name": str(row.jobseeker.initials_name),
                "note": str(row.note),
                "created_at": _when(row.created_at, zone),
            }
            for row in visit.click_rows
        ]
        if shows_names
        else [],
        "actions": [
            {
                "id": row.pk,
                "what": str(row.what),
                "owner": row.owner_id,
                "owner_name": _text(row.owner),
                "due_on": row.due_on.isoformat() if row.due_on else None,
                "done": bool(row.done),
                "done_at": _when(row.done_at, zone),
            }
            for row in visit.action_rows
        ],
    }


class VisitListSerializer(serializers.ListSerializer):
    """The list of visits (GET /api/v1/visits/): each row by ``visit_row``, the rows read by
    the view's queryset (VisitViewSet.get_queryset)."""

    def to_representation(self, data):
        rows = data.all() if isinstance(data, Manager) else data
        shows_names = self.child._shows_names
        zone = timezone.get_current_timezone()
        return [visit_row(visit, shows_names=shows_names, zone=zone) for visit in rows]


class VisitSerializer(serializers.ModelSerializer):
    """A visit with who comes, its clicks and agreed actions. ``jobseekers`` and ``clicks`` are
    only filled for caseworkers and coordinators; aldermen get the count."""

    employer_name = serializers.CharField(source="employer.trade_name", read_only=True)
    municipality = serializers.CharField(source="employer.municipality.name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    location = serializers.CharField(read_only=True)
    jobseeker_count = serializers.IntegerField(read_only=True)
    # The related rows are lists the view's queryset prefetches (VisitViewSet.get_queryset).
    staff = StaffAttendeeSerializer(source="staff_rows", many=True, read_only=True)
    jobseekers = JobSeekerAttendeeSerializer(source="signup_rows", many=True, read_only=True)
    clicks = ClickSerializer(source="click_rows", many=True, read_only=True)
    actions = VisitActionSerializer(source="action_rows", many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "employer",
            "employer_name",
            "municipality",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "place",
            "location",
            "purpose",
            "host",
            "status",
            "capacity",
            "jobseeker_count",
            "staff",
            "jobseekers",
            "clicks",
            "actions",
        ]
        read_only_fields = ["status"]
        list_serializer_class = VisitListSerializer

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["employer"].queryset = Employer.objects.visible_to(request.user)
            self.fields["host"].queryset = EmployerContact.objects.filter(
                employer__in=self.fields["employer"].queryset
            )

    # Filled for the back office only (visits.access.sees_jobseeker_names); empty otherwise.
    NAMED_FIELDS = ("jobseekers", "clicks")

    @cached_property
    def _shows_names(self) -> bool:
        # Asked once per response: a list reuses this serializer for every visit.
        request = self.context.get("request")
        return request is not None and sees_jobseeker_names(request.user)

    @property
    def _readable_fields(self):
        for field in super()._readable_fields:
            if self._shows_names or field.field_name not in self.NAMED_FIELDS:
                yield field

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._shows_names:
            return data
        return {
            name: data.get(name, []) for name, field in self.fields.items() if not field.write_only
        }

    def validate(self, attrs):
        employer = attrs.get("employer") or getattr(self.instance, "employer", None)
        if self.instance is not None and "employer" in attrs and employer != self.instance.employer:
            raise serializers.ValidationError(
                {"employer": _("The employer of a planned visit cannot change.")}
            )
        host = attrs.get("host")
        if host is not None and employer is not None and host.employer_id != employer.pk:
            raise serializers.ValidationError(
                {"host": _("The host must be a contact of this employer.")}
            )
        return attrs


class SignUpSerializer(serializers.Serializer):
    jobseeker = serializers.PrimaryKeyRelatedField(queryset=JobSeeker.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["jobseeker"].queryset = JobSeeker.objects.visible_to(request.user)
