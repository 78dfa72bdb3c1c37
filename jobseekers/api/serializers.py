"""API shapes of job seekers. The BSN is write-only; reads show ``bsn_masked`` only."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baanbrekers.validators import normalise_postcode, validate_bsn

from ..forms import municipality_choices, staff_choices
from ..models import Consent, JobSeeker, JobSeekerNote


@extend_schema_field(serializers.ListField(child=serializers.CharField(max_length=80)))
class SkillNamesField(serializers.Field):
    """Skills or interests as a list of words; unknown words join the shared vocabulary."""

    def to_representation(self, value):
        return [skill.name for skill in value.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise serializers.ValidationError("Give a list of words.")
        return [v for v in data if v.strip()]


class ConsentSerializer(serializers.ModelSerializer):
    is_valid_today = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "kind", "given_on", "valid_until", "withdrawn_on", "is_valid_today"]
        read_only_fields = ["id", "withdrawn_on", "is_valid_today"]

    def get_is_valid_today(self, consent: Consent) -> bool:
        from django.utils import timezone

        return consent.is_valid_on(timezone.localdate())

    def validate(self, attrs):
        if attrs["valid_until"] < attrs["given_on"]:
            raise serializers.ValidationError(
                {"valid_until": "The end date cannot be before the date the consent was given."}
            )
        return attrs


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = JobSeekerNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class JobSeekerListSerializer(serializers.ModelSerializer):
    bsn_masked = serializers.CharField(source="masked_bsn", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    skills = SkillNamesField(read_only=True)
    interests = SkillNamesField(read_only=True)

    class Meta:
        model = JobSeeker
        fields = [
            "id",
            "first_name",
            "last_name",
            "bsn_masked",
            "postcode",
            "municipality",
            "municipality_name",
            "caseworker",
            "status",
            "ladder_step",
            "hours_available",
            "skills",
            "interests",
            "updated_at",
        ]
        read_only_fields = fields


class JobSeekerSerializer(serializers.ModelSerializer):
    """Detail, create and update. Writes go through jobseekers.services."""

    bsn = serializers.CharField(
        write_only=True,
        required=False,
        max_length=20,
        help_text="Nine digits (eleven-test). Required on create; never returned.",
    )
    bsn_masked = serializers.CharField(source="masked_bsn", read_only=True)
    skills = SkillNamesField(required=False)
    interests = SkillNamesField(required=False)
    consents = ConsentSerializer(many=True, read_only=True)

    class Meta:
        model = JobSeeker
        fields = [
            "id",
            "first_name",
            "last_name",
            "bsn",
            "bsn_masked",
            "birth_date",
            "email",
            "phone",
            "postcode",
            "municipality",
            "caseworker",
            "benefit_type",
            "benefit_start_date",
            "ladder_step",
            "education_level",
            "experience",
            "skills",
            "interests",
            "hours_available",
            "has_driving_licence",
            "has_car",
            "has_bicycle",
            "max_travel_km",
            "dutch_level",
            "limitations",
            "status",
            "left_on",
            "consents",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "bsn_masked", "consents", "created_at", "updated_at"]
        extra_kwargs = {
            "ladder_step": {
                "min_value": 1,
                "max_value": 6,
                "error_messages": {
                    "min_value": "The participation ladder has steps 1 to 6.",
                    "max_value": "The participation ladder has steps 1 to 6.",
                },
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["municipality"].queryset = municipality_choices(request.user)
            self.fields["caseworker"].queryset = staff_choices(request.user)

    def validate_bsn(self, value: str) -> str:
        value = "".join(value.split()).replace(".", "")
        try:
            validate_bsn(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value

    def validate_postcode(self, value: str) -> str:
        try:
            return normalise_postcode(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def validate(self, attrs):
        if self.instance is None and not attrs.get("bsn"):
            raise serializers.ValidationError({"bsn": "A BSN is required."})
        return attrs


class BsnRevealSerializer(serializers.Serializer):
    bsn = serializers.CharField(read_only=True)
