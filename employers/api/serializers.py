"""Serializers of the employers API: they validate and present; the services save."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from baanbrekers.access import back_office_staff
from baanbrekers.models import Municipality
from baanbrekers.validators import validate_kvk_number
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
from employers.services import (
    ADDRESS_FIELDS,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    OPENING_FIELDS,
    STORY_FIELDS,
)


class SkillNamesField(serializers.ListField):
    """Words of the shared vocabulary, by name; unknown words are added on save."""

    child = serializers.CharField(max_length=80)

    def to_representation(self, value):
        return [skill.name for skill in value.all()]


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
    # A method, not source="sector.label" with a default: DRF leaves a defaulted field out of
    # a PATCH's answer, which the schema says is always there.
    sector_label = serializers.SerializerMethodField()
    relationship_owner = serializers.PrimaryKeyRelatedField(
        queryset=back_office_staff(),
        allow_null=True,
        required=False,
    )
    valued_skills = SkillNamesField(required=False)
    open_openings = serializers.IntegerField(read_only=True)
    last_contact_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_sector_label(self, employer: Employer) -> str:
        return employer.sector.label if employer.sector_id else ""

    class Meta:
        model = Employer
        fields = [
            "id",
            *COMPANY_FIELDS,
            *STORY_FIELDS,
            "valued_skills",
            *ADDRESS_FIELDS,
            "municipality_name",
            "sector_label",
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

    # Postcode notation and region, text lengths: the model fields' validators (limits table),
    # run again by the service's full_clean, which also normalises what it stores.
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
    # Empty means "any status", as on the page.
    status = serializers.ChoiceField(
        choices=EmployerStatus.choices, required=False, allow_blank=True
    )
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
        fields = ["id", *CONTACT_FIELDS]

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

    author = serializers.StringRelatedField(read_only=True, allow_null=True)  # a deleted user
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
    """Staff: ``competences`` are words of the shared vocabulary; a PATCH of ``status`` closes or
    reopens through the service. The limits (hours, dates, postcode in the region, end after
    start, a new opening not in the past) are the model's, checked by the service."""

    competences = SkillNamesField(required=False)
    suggested_competences = serializers.ListField(
        source="competence_suggestions",
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Words the employer suggested, still to be mapped onto the vocabulary."),
    )

    class Meta:
        model = Opening
        fields = [
            "id",
            *OPENING_FIELDS,
            "competences",
            "suggested_competences",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Validated by the service, which names the field; the model's table-wide check
        # would give a message without one.
        validators: list = []

    def create(self, validated_data):
        validated_data.pop("status", None)  # a new opening is open
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
