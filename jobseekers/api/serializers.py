"""API shapes of job seekers. The BSN is write-only; reads show ``bsn_masked`` only."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baanbrekers.access import back_office_staff
from baanbrekers.validators import validate_bsn

from ..forms import clean_bsn_value, municipality_choices
from ..models import Consent, JobSeeker, JobSeekerNote, JobSeekerStatus
from ..selectors import SORTING
from ..services import EDITABLE_FIELDS


@extend_schema_field(serializers.ListField(child=serializers.CharField(max_length=80)))
class SkillNamesField(serializers.Field):
    """Skills or interests as a list of words; unknown words join the shared vocabulary."""

    def to_representation(self, value):
        return [skill.name for skill in value.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(v, str) for v in data):
            raise serializers.ValidationError("Give a list of words.")
        return [v for v in data if v.strip()]


@extend_schema_field(serializers.ListField(child=serializers.CharField(max_length=80)))
class WordNamesField(serializers.ReadOnlyField):
    """Skills or interests already read as a list of names (``selectors.jobseeker_words``)."""


class JobSeekerListParamsSerializer(serializers.Serializer):
    """The list's query parameters: documented and checked by the same fields (a wrong value is
    a 400 with the field's error, as the schema says; an empty one means "any")."""

    q = serializers.CharField(
        required=False, allow_blank=True, help_text="Name, postcode (prefix), skill or interest."
    )
    municipality = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(
        choices=JobSeekerStatus.choices, required=False, allow_blank=True
    )
    ladder_step = serializers.IntegerField(
        required=False, min_value=1, max_value=6, help_text="Participation ladder step 1-6."
    )
    caseworker = serializers.IntegerField(required=False)
    skill = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Exact skill or interest (case-insensitive).",
    )
    ordering = serializers.ChoiceField(
        choices=[choice for key in SORTING.options for choice in (key, f"-{key}")],
        required=False,
        allow_blank=True,
    )


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
    author = serializers.StringRelatedField(allow_null=True)  # null: the author was removed

    class Meta:
        model = JobSeekerNote
        fields = ["id", "text", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class JobSeekerListSerializer(serializers.ModelSerializer):
    bsn_masked = serializers.CharField(source="masked_bsn", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    # Set on each row of a page by the view (one query for the page, jobseeker_words).
    skills = WordNamesField(source="skill_names")
    interests = WordNamesField(source="interest_names")

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
            *EDITABLE_FIELDS,
            "bsn",
            "bsn_masked",
            "skills",
            "interests",
            "status",
            "left_on",
            "consents",
            "created_at",
            "updated_at",
        ]
        # The status is shown, not set: it follows from placements and jobs, and by hand only
        # through the status events (jobseekers.services.jobseeker_status_change).
        read_only_fields = [
            "id",
            "bsn_masked",
            "status",
            "left_on",
            "consents",
            "created_at",
            "updated_at",
        ]
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
            self.fields["caseworker"].queryset = back_office_staff(request.user)

    def validate_bsn(self, value: str) -> str:
        try:
            bsn = clean_bsn_value(value)
            validate_bsn(bsn)  # an empty one too: "exactly 9 digits"
            return bsn
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    # Postcode, phone, hours and text lengths: the model fields' validators (limits table); the
    # service's full_clean normalises what it stores and checks the postcode's municipality.

    def validate(self, attrs):
        if self.instance is None and not attrs.get("bsn"):
            raise serializers.ValidationError({"bsn": "A BSN is required."})
        return attrs


class BsnRevealSerializer(serializers.Serializer):
    bsn = serializers.CharField(read_only=True)
