"""Forms of the employer pages. They validate and present; the services save."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from baanbrekers.access import back_office_staff
from baanbrekers.forms import formfield_https
from baanbrekers.models import Municipality, Skill, User
from baanbrekers.widgets import LongSelect, StaffChoiceField

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
from .services import (
    ADDRESS_FIELDS,
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    OPENING_FIELDS,
    REFERRAL_FIELDS,
    STORY_FIELDS,
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


class EmployerForm(forms.ModelForm):
    valued_skills = SkillNamesField(label=_("Competences and attitudes (tags)"))

    class Meta:
        formfield_callback = formfield_https
        model = Employer
        fields = [
            *COMPANY_FIELDS,
            *STORY_FIELDS,
            "valued_skills",
            *ADDRESS_FIELDS,
            "relationship_owner",
        ]
        # Anyone in the country: a text box with suggestions beyond a few hundred.
        field_classes = {"relationship_owner": StaffChoiceField}
        widgets = {
            **{name: TEXTAREA for name in STORY_FIELDS},
            "kvk_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
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
        # The staff this user is offered (a caseworker: the colleagues of their municipalities),
        # and the current owner, who stays even when outside them.
        staff = back_office_staff(user)
        if self.instance.relationship_owner_id:
            staff = User.objects.filter(
                Q(pk__in=staff.values("pk")) | Q(pk=self.instance.relationship_owner_id)
            ).order_by("first_name", "last_name", "email")
        self.fields["relationship_owner"].queryset = staff
        self.fields["kvk_number"].help_text = _("8 digits, from the Chamber of Commerce.")
        self.fields["postcode"].help_text = _("For example 5171 AB.")

    FIELDSETS = [
        (_("Company"), "", list(COMPANY_FIELDS)),
        (
            _("The company's story"),
            _(
                "What did you learn when getting to know this employer? In their words where you can."
            ),
            [*STORY_FIELDS, "valued_skills"],
        ),
        (_("Address and details"), "", [*ADDRESS_FIELDS, "relationship_owner"]),
    ]

    def fieldsets(self):
        """(legend, description, bound fields) per group, in the order the page shows them."""
        return [
            (legend, description, [self[name] for name in names if name in self.fields])
            for legend, description, names in self.FIELDSETS
        ]

    def _get_validation_exclusions(self):
        # The many-to-many tags are saved by the service from the comma-separated text.
        return {*super()._get_validation_exclusions(), "valued_skills"}


class QueriedChoices(BaseChoiceIterator):
    """Options read with one query of only the columns their labels need, when first needed (to
    draw the select, or to check a submitted value), and then kept for the request: no model
    instance per option, and no second query to fetch the chosen one."""

    def __init__(self, rows, label, *, empty_label):
        self.rows = rows  # a values_list QuerySet: (pk, *label columns)
        self.label = label
        self.empty_label = empty_label
        self._choices = None

    def __iter__(self):
        if self._choices is None:
            label = self.label
            self._choices = [("", self.empty_label)]
            self._choices.extend((str(row[0]), label(*row[1:])) for row in self.rows)
        return iter(self._choices)

    def __len__(self):
        return len(list(iter(self)))


def _sector_label(code: str, label: str) -> str:
    return f"{code} {label}"  # as Sector.__str__


def _choice_field(label):
    """An optional choice of a row by id; the cleaned value is the id (an int) or None."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
        # The wording of a ModelChoiceField, as before.
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )


class EmployerFilterForm(forms.Form):
    """The list's search and filters (GET); every field optional. The choices of rows
    (municipality, sector, relationship owner) clean to ids."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Name, KvK number, postcode or competence"),
    )
    municipality = _choice_field(_("Municipality"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(EmployerStatus.choices),
        required=False,
    )
    sector = _choice_field(_("Sector"))
    # A coordinator's: anyone in the country (a text box with suggestions beyond a few hundred).
    owner = StaffChoiceField(label=_("Relationship owner"), required=False, empty_label=_("All"))
    skill = forms.CharField(label=_("Competence"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = _("All")
        self.fields["municipality"].choices = QueriedChoices(
            municipalities_to_work_in(user).order_by("name").values_list("pk", "name"),
            str,
            empty_label=everyone,
        )
        self.fields["sector"].choices = QueriedChoices(
            Sector.objects.filter(parent__isnull=True)
            .order_by("code")
            .values_list("pk", "code", "label"),
            _sector_label,
            empty_label=everyone,
        )
        self.fields["owner"].queryset = back_office_staff(user)

    def clean_owner(self) -> int | None:
        owner = self.cleaned_data["owner"]
        return owner.pk if owner else None


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
    """A contact person, by staff and (as ``portal.forms.ContactForm``) by the employer."""

    class Meta:
        model = EmployerContact
        fields = list(CONTACT_FIELDS)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}


class OpeningFormBase(forms.ModelForm):
    """What an opening says; the same for staff and the employer (``portal.forms``). The rules
    (hours, dates, postcode in the region, end after start) are the model's: ``Opening.clean``
    and the limits table's field validators, run here and again by the service."""

    class Meta:
        model = Opening
        fields = list(OPENING_FIELDS)
        widgets = {"description": TEXTAREA, "start_date": DATE, "end_date": DATE}

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "competences"}


class OpeningForm(OpeningFormBase):
    """Staff: words of the shared vocabulary, and the status (closing and reopening go through
    their own service steps)."""

    competences = SkillNamesField(label=_("Competences sought"))

    class Meta(OpeningFormBase.Meta):
        fields = [*OPENING_FIELDS[:3], "competences", *OPENING_FIELDS[3:], "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "competences" not in self.initial:
            self.initial["competences"] = [s.name for s in self.instance.competences.all()]
        if not self.instance.pk:
            del self.fields["status"]

    def _get_validation_exclusions(self):
        # The status is checked by the close/reopen steps, not by a bare field comparison.
        return {*super()._get_validation_exclusions(), "status"}


class CompetenceMappingForm(forms.Form):
    """Staff map each of the employer's suggested words onto a word of the vocabulary (empty:
    drop the suggestion)."""

    def __init__(self, *args, opening: Opening, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestions = opening.competence_suggestions
        # A suggestion that is already a word of the vocabulary is proposed as itself.
        known = {
            name.lower(): name
            for name in Skill.objects.annotate(lname=Lower("name"))
            .filter(lname__in=[word.lower() for word in self.suggestions])
            .values_list("name", flat=True)
        }
        for index, word in enumerate(self.suggestions):
            self.fields[f"word_{index}"] = forms.CharField(
                label=word,
                required=False,
                max_length=80,
                initial=known.get(word.lower(), ""),
                help_text=_("The word of the vocabulary it stands for; empty: leave it out."),
            )

    def mapping(self) -> dict[str, str]:
        return {
            word: (self.cleaned_data.get(f"word_{index}") or "").strip()
            for index, word in enumerate(self.suggestions)
        }


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = list(REFERRAL_FIELDS)
        widgets = {"need": TEXTAREA}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities_to_work_in(user).order_by("name")
        self.fields["municipality"].help_text = _("Empty: the municipality of who tipped.")
        self.fields["kvk_number"].help_text = _(
            "Needed to turn the tip into a prospect; you can add it later."
        )
