"""Serializers of the employers API: they validate and present; the services save."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from baanbrekers.models import Municipality, Role, User
from baanbrekers.validators import normalise_postcode, validate_kvk_number
from employers import services
from employers.access import municipalities_to_work_in
from employers.models import (
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    Sector,
)
from employers.selectors import EMPLOYER_SORTING


class SkillNamesField(serializers.ListField):
    """Words of the shared vocabulary, by name; unknown words are added on save."""

    child = serializers.CharField(max_length=80)

    def to_representation(self, value):
        return [skill.name for skill in value.all()]


def _postcode(value: str) -> str:
    if not value:
        return value
    try:
        return normalise_postcode(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


STORY_FIELDS = ["story_what", "story_passion", "story_culture", "story_views", "story_values"]


class EmployerSerializer(serializers.ModelSerializer):
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all())
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    sector = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Sector.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("SBI code, e.g. C or 10.71."),
    )
    sector_label = serializers.CharField(source="sector.label", read_only=True, default="")
    relationship_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=[Role.CASEWORKER, Role.COORDINATOR], is_active=True),
        allow_null=True,
        required=False,
    )
    valued_skills = SkillNamesField(required=False)
    open_openings = serializers.IntegerField(read_only=True)
    last_contact_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Employer
        fields = [
            "id",
            "kvk_number",
            "trade_name",
            "status",
            *STORY_FIELDS,
            "valued_skills",
            "street_address",
            "postcode",
            "city",
            "municipality",
            "municipality_name",
            "sector",
            "sector_label",
            "size_class",
            "website",
            "relationship_owner",
            "open_openings",
            "last_contact_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "kvk_number": {
                "validators": [
                    validate_kvk_number,
                    UniqueValidator(
                        queryset=Employer.objects.all(),
                        message=_("An employer with this KvK number is already registered."),
                    ),
                ]
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # A caseworker registers employers in their own municipalities only.
            self.fields["municipality"].queryset = municipalities_to_work_in(request.user)

    def validate_postcode(self, value):
        return _postcode(value)

    # A service's ValidationError becomes a 400 with its field errors in the API's exception
    # handler (baanbrekers.api.exceptions).
    def create(self, validated_data):
        employer = services.employer_create(
            created_by=self.context["request"].user, **validated_data
        )
        return _annotated(employer)

    def update(self, instance, validated_data):
        valued_skills = validated_data.pop("valued_skills", None)
        services.employer_update(
            employer=instance,
            updated_by=self.context["request"].user,
            valued_skills=valued_skills,
            **validated_data,
        )
        return _annotated(instance)


def _annotated(employer: Employer) -> Employer:
    """Reloads with the list annotations, so a write answers with the same shape as a read."""
    from employers.selectors import employer_list

    return employer_list(Employer.objects.filter(pk=employer.pk)).get()


class EmployerStorySerializer(serializers.ModelSerializer):
    """What an employer contact may change of their own company: its story. Saved by the same
    service as the portal's story page, so the caseworker sees the same timeline line."""

    valued_skills = SkillNamesField(required=False)

    class Meta:
        model = Employer
        fields = ["id", "trade_name", *STORY_FIELDS, "valued_skills", "updated_at"]
        read_only_fields = ["id", "trade_name", "updated_at"]

    def update(self, instance, validated_data):
        valued_skills = validated_data.pop("valued_skills", None)
        return services.employer_story_update(
            employer=instance,
            updated_by=self.context["request"].user,
            valued_skills=valued_skills,
            **validated_data,
        )


class EmployerFilterSerializer(serializers.Serializer):
    """Query parameters of the list; the same filters as the page."""

    q = serializers.CharField(
        required=False, help_text=_("Name, KvK number, postcode or competence")
    )
    municipality = serializers.IntegerField(required=False, help_text=_("Municipality id"))
    status = serializers.ChoiceField(choices=EmployerStatus.choices, required=False)
    sector = serializers.CharField(
        required=False, help_text=_("SBI code; a section such as C includes its finer codes")
    )
    owner = serializers.IntegerField(required=False, help_text=_("Relationship owner (user id)"))
    skill = serializers.CharField(required=False, help_text=_("Competence, exact name"))
    ordering = serializers.ChoiceField(
        choices=[choice for key in EMPLOYER_SORTING.options for choice in (key, f"-{key}")],
        required=False,
    )


class EmployerContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmployerContact
        fields = ["id", "name", "role", "email", "phone", "is_primary"]

    def create(self, validated_data):
        return services.employer_contact_create(
            employer=self.context["employer"],
            created_by=self.context["request"].user,
            **validated_data,
        )

    def update(self, instance, validated_data):
        return services.employer_contact_update(
            contact=instance, updated_by=self.context["request"].user, **validated_data
        )


class ContactMomentSerializer(serializers.ModelSerializer):
    """A note in the employer's timeline (a contact moment)."""

    author = serializers.StringRelatedField(read_only=True)
    happened_at = serializers.DateTimeField(
        required=False, help_text=_("When it happened; default now.")
    )

    class Meta:
        model = ContactMoment
        fields = ["id", "happened_at", "kind", "summary", "author", "created_at"]
        read_only_fields = ["id", "author", "created_at"]

    def create(self, validated_data):
        return services.contact_moment_record(
            employer=self.context["employer"],
            author=self.context["request"].user,
            **validated_data,
        )


class OpeningSerializer(serializers.ModelSerializer):
    competences = SkillNamesField(required=False)

    class Meta:
        model = Opening
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "competences",
            "hours_per_week",
            "places",
            "location_postcode",
            "start_date",
            "end_date",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Validated by the service, which names the field; the model's table-wide check
        # would give a message without one.
        validators: list = []

    def validate_location_postcode(self, value):
        return _postcode(value)

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": [_("The end cannot be before the start.")]}
            )
        return attrs

    def create(self, validated_data):
        return services.opening_create(
            employer=self.context["employer"],
            created_by=self.context["request"].user,
            **validated_data,
        )

    def update(self, instance, validated_data):
        competences = validated_data.pop("competences", None)
        return services.opening_update(
            opening=instance,
            updated_by=self.context["request"].user,
            competences=competences,
            **validated_data,
        )
