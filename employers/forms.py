"""Forms of the employer pages. They validate and present; the services save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.forms import formfield_https
from baanbrekers.models import Municipality, Role, User
from baanbrekers.validators import normalise_postcode

from .access import municipalities_to_work_in
from .models import (
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    Referral,
    Sector,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def split_names(value: str) -> list[str]:
    """'Punctueel, samenwerken ,  ' -> ['Punctueel', 'samenwerken']"""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class SkillNamesField(forms.CharField):
    """Comma-separated words of the shared vocabulary; unknown words are added on save."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("Separate with commas, e.g. punctual, teamwork, forklift licence.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        return split_names(super().to_python(value))


def back_office_users():
    return User.objects.filter(
        is_active=True, role__in=[Role.CASEWORKER, Role.COORDINATOR]
    ).order_by("first_name", "last_name", "email")


def clean_postcode_value(value: str) -> str:
    """Normalises a filled-in postcode ('5171ab' -> '5171 AB'); empty stays empty."""
    return normalise_postcode(value) if value else value


class EmployerForm(forms.ModelForm):
    valued_skills = SkillNamesField(label=_("Competences and attitudes (tags)"))

    class Meta:
        formfield_callback = formfield_https
        model = Employer
        fields = [
            "trade_name",
            "kvk_number",
            "status",
            "story_what",
            "story_passion",
            "story_culture",
            "story_views",
            "story_values",
            "valued_skills",
            "street_address",
            "postcode",
            "city",
            "municipality",
            "sector",
            "size_class",
            "website",
            "relationship_owner",
        ]
        widgets = {
            "story_what": TEXTAREA,
            "story_passion": TEXTAREA,
            "story_culture": TEXTAREA,
            "story_views": TEXTAREA,
            "story_values": TEXTAREA,
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
        error_messages = {
            "kvk_number": {
                "unique": _("An employer with this KvK number is already registered."),
            }
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "valued_skills" not in self.initial:
            self.initial["valued_skills"] = [s.name for s in self.instance.valued_skills.all()]
        municipalities = municipalities_to_work_in(user)
        if self.instance.pk:
            # Keep the current municipality selectable even if it is outside the user's own.
            municipalities = Municipality.objects.filter(
                pk__in=municipalities.values("pk")
            ) | Municipality.objects.filter(pk=self.instance.municipality_id)
        self.fields["municipality"].queryset = municipalities.order_by("name")
        self.fields["sector"].queryset = Sector.objects.order_by("code")
        self.fields["relationship_owner"].queryset = back_office_users()
        self.fields["kvk_number"].help_text = _("8 digits, from the Chamber of Commerce.")
        self.fields["postcode"].help_text = _("For example 5171 AB.")

    FIELDSETS = [
        (_("Company"), "", ["trade_name", "kvk_number", "status"]),
        (
            _("The company's story"),
            _(
                "What did you learn when getting to know this employer? In their words where you can."
            ),
            [
                "story_what",
                "story_passion",
                "story_culture",
                "story_views",
                "story_values",
                "valued_skills",
            ],
        ),
        (
            _("Address and details"),
            "",
            [
                "street_address",
                "postcode",
                "city",
                "municipality",
                "sector",
                "size_class",
                "website",
                "relationship_owner",
            ],
        ),
    ]

    def fieldsets(self):
        """(legend, description, bound fields) per group, in the order the page shows them."""
        return [
            (legend, description, [self[name] for name in names if name in self.fields])
            for legend, description, names in self.FIELDSETS
        ]

    def clean_postcode(self):
        return clean_postcode_value(self.cleaned_data["postcode"])

    def _get_validation_exclusions(self):
        # The many-to-many tags are saved by the service from the comma-separated text.
        return {*super()._get_validation_exclusions(), "valued_skills"}


class EmployerFilterForm(forms.Form):
    """The list's search and filters (GET); every field optional."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, KvK number, postcode or competence"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(EmployerStatus.choices),
        required=False,
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False
    )
    owner = forms.ModelChoiceField(
        label=_("Relationship owner"), queryset=User.objects.none(), required=False
    )
    skill = forms.CharField(label=_("Competence"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_to_work_in(user).order_by("name")
        self.fields["sector"].queryset = Sector.objects.filter(parent__isnull=True)
        self.fields["owner"].queryset = back_office_users()
        for name in ("municipality", "sector", "owner"):
            self.fields[name].empty_label = _("All")


class ContactMomentForm(forms.ModelForm):
    class Meta:
        model = ContactMoment
        fields = ["happened_at", "kind", "summary"]
        widgets = {
            "happened_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["happened_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.is_bound:
            self.initial.setdefault(
                "happened_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class EmployerContactForm(forms.ModelForm):
    class Meta:
        model = EmployerContact
        fields = ["name", "role", "email", "phone", "is_primary"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class OpeningForm(forms.ModelForm):
    competences = SkillNamesField(label=_("Competences sought"))

    class Meta:
        model = Opening
        fields = [
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
        ]
        widgets = {"description": TEXTAREA, "start_date": DATE, "end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "competences" not in self.initial:
            self.initial["competences"] = [s.name for s in self.instance.competences.all()]
        if not self.instance.pk:
            del self.fields["status"]

    def clean_location_postcode(self):
        return clean_postcode_value(self.cleaned_data["location_postcode"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return cleaned

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "competences"}

    def _post_clean(self):
        # The model's check constraint would repeat the end-before-start error without a field.
        if "end_date" in self.errors:
            return
        super()._post_clean()


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "company_name",
            "need",
            "kvk_number",
            "postcode",
            "municipality",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"need": TEXTAREA}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_to_work_in(user).order_by("name")
        self.fields["municipality"].help_text = _("Empty: the municipality of who tipped.")
        self.fields["kvk_number"].help_text = _(
            "Needed to turn the tip into a prospect; you can add it later."
        )

    def clean_postcode(self):
        return clean_postcode_value(self.cleaned_data["postcode"])
