"""Forms of the job seeker pages. Errors are Dutch, next to the field, and keep what was typed."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import back_office_staff, sees_all_municipalities
from baanbrekers.limits import text_field
from baanbrekers.models import Municipality, User
from baanbrekers.validators import validate_bsn
from baanbrekers.widgets import StaffChoiceField

from .models import ConsentKind, JobSeeker
from .services import EDITABLE_FIELDS


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


def _form_fields() -> list[str]:
    """The service's editable fields, with the BSN after the name and the word lists after the
    experience, where a caseworker expects them."""
    fields = list(EDITABLE_FIELDS)
    fields.insert(fields.index("birth_date"), "bsn")
    after = fields.index("experience") + 1
    fields[after:after] = ["skills", "interests"]
    return fields


def clean_bsn_value(value: str) -> str:
    """'123 456 782' or '123.456.782' -> '123456782', checked with the eleven-test (empty stays
    empty): pages and API read a BSN the same way."""
    bsn = "".join((value or "").split()).replace(".", "")
    if bsn:
        validate_bsn(bsn)
    return bsn


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
        fields = _form_fields()
        # A coordinator's choice is anyone in the country: a text box with suggestions.
        field_classes = {"caseworker": StaffChoiceField}
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "benefit_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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
        self.fields["caseworker"].queryset = back_office_staff(user)
        if self.instance.pk:
            # The stored BSN is never put into the form; an empty field keeps it.
            self.fields["bsn"].required = False
            self.fields["bsn"].help_text = _(
                "Leave empty to keep the current BSN (%(masked)s)."
            ) % {"masked": self.instance.masked_bsn}
            self.initial["skills"] = ", ".join(s.name for s in self.instance.skills.all())
            self.initial["interests"] = ", ".join(s.name for s in self.instance.interests.all())

    def clean_bsn(self):
        return clean_bsn_value(self.cleaned_data.get("bsn", ""))

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
        bsn = clean_bsn_value(self.cleaned_data.get("bsn", ""))
        if not bsn:
            validate_bsn(bsn)
        return bsn


class NoteForm(forms.Form):
    text = text_field(
        "note",
        label=_("New note"),
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


class StatusChangeForm(forms.Form):
    """A status change by hand on the file: the service decides whether it applies."""

    event = forms.ChoiceField(choices=[("left", "left"), ("back_to_looking", "back_to_looking")])
    on = forms.DateField(
        label=_("Left on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CaseworkerFilterForm(forms.Form):
    """The job-seeker list's caseworker filter (its other filters are read by
    ``JobSeekerFilters.from_params``): a coordinator's choice is anyone in the country."""

    caseworker = StaffChoiceField(label=_("Caseworker"), required=False, empty_label=_("All"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = back_office_staff(user)

    def caseworker_id(self) -> int | None:
        """The chosen caseworker's id; None for everyone or input that names no one."""
        chosen = self.cleaned_data.get("caseworker") if self.is_valid() else None
        return chosen.pk if chosen else None
