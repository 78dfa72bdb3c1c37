from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from employers.api.serializers import OpeningSerializer
from employers.models import Employer, OpeningKind
from placements.models import DevelopmentPlacement, ProposalAnswer


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Employer
        fields = ["id", "kvk_number", "trade_name", "city"]


class ContactDetailsSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    """The anonymised profile (``portal.selectors.CandidateProfile``): an allow-list."""

    id = serializers.IntegerField(source="proposal_id")
    display_name = serializers.CharField()
    opening_title = serializers.CharField()
    opening_kind = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    interests = serializers.ListField(child=serializers.CharField())
    hours_available = serializers.IntegerField()
    area = serializers.CharField()
    distance_km = serializers.IntegerField(allow_null=True)
    has_driving_licence = serializers.BooleanField()
    education_level = serializers.CharField()
    dutch_level = serializers.CharField()
    motivation = serializers.CharField()
    answer = serializers.CharField()
    answer_reason = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    contact = ContactDetailsSerializer(allow_null=True)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=[ProposalAnswer.INTERESTED, ProposalAnswer.NOT_NOW, ProposalAnswer.NO]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PortalPlacementSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="jobseeker.initials_name", read_only=True)
    supervisor = serializers.CharField(source="supervisor.name", default=None, read_only=True)

    class Meta:
        model = DevelopmentPlacement
        fields = [
            "id",
            "display_name",
            "status",
            "start_date",
            "planned_end_date",
            "hours_per_week",
            "learning_goals",
            "supervisor",
        ]


class PortalOpeningSerializer(OpeningSerializer):
    """The staff's opening shape and rules; the employer's ``competences`` are suggestions for
    staff to map (``suggested_competences``), never words added to the vocabulary, and the
    status changes through the ``close`` and ``reopen`` actions."""

    competences = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        write_only=True,
        help_text="Competence words; kept as suggestions until our staff map them.",
    )
    competence_names = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=OpeningKind.choices)

    class Meta(OpeningSerializer.Meta):
        fields = [*OpeningSerializer.Meta.fields, "competence_names"]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    def get_competence_names(self, obj) -> list[str]:
        return [s.name for s in obj.competences.all()]

    def validate(self, attrs):
        if "competences" in attrs:
            attrs["suggested_competences"] = attrs.pop("competences")
        return attrs

    # Saved by the portal's services (a line in the caseworker's timeline), see the viewset.
    def create(self, validated_data):
        raise NotImplementedError

    def update(self, instance, validated_data):
        raise NotImplementedError


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "example": "< 5"}]})
class ShownCountField(serializers.ReadOnlyField):
    """A count of people through disclosure control: a number (0, or rounded down to a
    multiple of 5) or the string "< 5"."""


class ImpactSerializer(serializers.Serializer):
    visits_hosted = serializers.IntegerField()
    jobseekers_at_visits = ShownCountField()
    placements_started = ShownCountField()
    placements_active = ShownCountField()
    placements_completed = ShownCountField()
    jobs = ShownCountField()
    jobs_after_placement = ShownCountField()
    buddies = ShownCountField()
    tips = serializers.IntegerField()
    tips_converted = serializers.IntegerField()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField()
    year = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField()
