"""Forms of the job seeker pages. Errors are Dutch, next to the field, and keep what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import sees_all_municipalities
from baanbrekers.models import Municipality, Role, User
from baanbrekers.validators import normalise_postcode, validate_bsn

from .models import ConsentKind, JobSeeker, JobSeekerStatus


class BsnInput(forms.TextInput):
    """A BSN field that never writes a stored BSN back into the page on its own."""

    def __init__(self, attrs=None, *, render_value: bool = True):
        super().__init__(
            {"autocomplete": "off", "inputmode": "numeric", "maxlength": "9", **(attrs or {})}
        )
        self.render_value = render_value

    def get_context(self, name, value, attrs):
        if not self.render_value:
            value = None
        return super().get_context(name, value, attrs)


def split_names(value: str) -> list[str]:
    """'koken, Sleutelen aan brommers' -> ['koken', 'Sleutelen aan brommers']."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def staff_choices(user: User):
    """Caseworkers and coordinators this user may assign a file to."""
    qs = User.objects.filter(role__in=[Role.CASEWORKER, Role.COORDINATOR], is_active=True)
    if not sees_all_municipalities(user):
        qs = qs.filter(municipalities__in=user.municipalities.all()).distinct()
    return qs.order_by("first_name", "last_name")


def municipality_choices(user: User):
    if sees_all_municipalities(user):
        return Municipality.objects.all()
    return user.municipalities.all()


class JobSeekerForm(forms.ModelForm):
    bsn = forms.CharField(
        label=_("BSN"),
        max_length=20,
        help_text=_("Nine digits; checked with the eleven-test. Stored encrypted."),
        widget=BsnInput(),
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate with commas, such as: cooking, welding, forklift."),
    )
    interests = forms.CharField(
        label=_("Interests and hobbies"),
        required=False,
        help_text=_("Separate with commas, such as: tinkering with mopeds, football."),
    )

    class Meta:
        model = JobSeeker
        fields = [
            "first_name",
            "last_name",
            "bsn",
            "birth_date",
            "email",
            "phone",
            "postcode",
            "municipality",
            "caseworker",
            "status",
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
            "left_on",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "benefit_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "left_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "experience": forms.Textarea(attrs={"rows": 3}),
            "limitations": forms.Textarea(attrs={"rows": 3}),
            "ladder_step": forms.NumberInput(attrs={"min": 1, "max": 6}),
        }
        error_messages = {
            "ladder_step": {
                "min_value": _("The participation ladder has steps 1 to 6."),
                "max_value": _("The participation ladder has steps 1 to 6."),
            },
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["municipality"].queryset = municipality_choices(user)
        self.fields["caseworker"].queryset = staff_choices(user)
        if self.instance.pk:
            # The stored BSN is never put into the form; an empty field keeps it.
            self.fields["bsn"].required = False
            self.fields["bsn"].help_text = _(
                "Leave empty to keep the current BSN (%(masked)s)."
            ) % {"masked": self.instance.masked_bsn}
            self.initial["skills"] = ", ".join(s.name for s in self.instance.skills.all())
            self.initial["interests"] = ", ".join(s.name for s in self.instance.interests.all())
        else:
            del self.fields["left_on"]

    def clean_bsn(self):
        bsn = "".join(self.cleaned_data.get("bsn", "").split()).replace(".", "")
        if bsn:
            validate_bsn(bsn)
        return bsn

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_ladder_step(self):
        step = self.cleaned_data.get("ladder_step")
        if step is not None and not 1 <= step <= 6:
            raise ValidationError(_("The participation ladder has steps 1 to 6."))
        return step

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        return born

    def clean(self):
        cleaned = super().clean()
        leaving = cleaned.get("status") == JobSeekerStatus.LEFT and "left_on" in self.fields
        if leaving and not cleaned.get("left_on"):
            self.add_error("left_on", _("Fill in when this person left."))
        return cleaned

    def service_data(self) -> dict:
        data = {
            k: v for k, v in self.cleaned_data.items() if k not in {"bsn", "skills", "interests"}
        }
        return data


class BsnSearchForm(forms.Form):
    bsn = forms.CharField(
        label=_("Find by BSN"),
        max_length=20,
        help_text=_("The exact BSN; the search is logged."),
        widget=BsnInput(render_value=False),
    )

    def clean_bsn(self):
        bsn = "".join(self.cleaned_data.get("bsn", "").split()).replace(".", "")
        validate_bsn(bsn)
        return bsn


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Write a note first.")},
    )


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Consent for"), choices=ConsentKind.choices)
    given_on = forms.DateField(
        label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        given, until = cleaned.get("given_on"), cleaned.get("valid_until")
        if given and until and until < given:
            self.add_error(
                "valid_until",
                _("The end date cannot be before the date the consent was given."),
            )
        return cleaned
