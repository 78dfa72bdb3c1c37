"""Visits in the API: attendees, clicks and actions. Job seekers' names only for the back office."""

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
