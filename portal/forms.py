"""Forms of the employer portal. They validate and present; ``portal.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.forms import formfield_https
from baanbrekers.limits import text_field
from baanbrekers.validators import (
    TextLengthValidator,
    normalise_phone,
    validate_not_in_future,
    validate_not_too_long_ago,
)
from employers.forms import (
    DATE,
    TEXTAREA,
    EmployerContactForm,
    OpeningFormBase,
    SkillNamesField,
    split_names,
)
from employers.models import Employer, EmployerContact, Referral
from employers.services import OPENING_FIELDS, REFERRAL_FIELDS, STORY_FIELDS
from placements.models import EvaluationMoment, ProposalAnswer

from .models import PaidWorkIntent


class ClaimForm(forms.Form):
    kvk_number = forms.CharField(
        label=_("KvK number of your company"),
        max_length=12,
        help_text=_("8 digits, as on the extract from the Chamber of Commerce."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    job_title = forms.CharField(label=_("Your role at the company"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class RegisterCompanyForm(ClaimForm):
    """A company we may not know yet: the person registers it and asks to represent it."""

    trade_name = forms.CharField(label=_("Company name"), max_length=200)
    street_address = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(label=_("Place"), max_length=100, required=False)
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        help_text=_("You are the first contact person of the company."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = [
        "trade_name",
        "kvk_number",
        "street_address",
        "postcode",
        "city",
        "contact_name",
        "job_title",
        "phone",
    ]


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))
    contact = forms.ModelChoiceField(
        label=_("Existing contact person"),
        queryset=EmployerContact.objects.none(),
        required=False,
        help_text=_("Optional: link the account to a contact person already in the file."),
    )

    def __init__(self, *args, employer: Employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = employer.contacts.filter(user__isnull=True)


class DeclineClaimForm(forms.Form):
    reason = text_field("reason", label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class StoryForm(forms.ModelForm):
    valued_skills = SkillNamesField(label=_("Competences and attitudes you look for"))

    class Meta:
        formfield_callback = formfield_https
        model = Employer
        fields = [*STORY_FIELDS, "valued_skills", "website"]
        widgets = {name: TEXTAREA for name in STORY_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "valued_skills" not in self.initial:
            self.initial["valued_skills"] = [s.name for s in self.instance.valued_skills.all()]

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "valued_skills"}


class ContactForm(EmployerContactForm):
    """The employer's own contact persons: the staff form, the same rules."""


class OpeningForm(OpeningFormBase):
    """The employer's offer. Their competence words are suggestions that staff map onto the
    shared vocabulary; they never join it from here (``employers.services``)."""

    suggested_competences = forms.CharField(
        label=_("Competences you look for"),
        required=False,
        validators=[TextLengthValidator("reason")],
        help_text=_(
            "Separate with commas, e.g. punctual, teamwork, forklift licence. Our staff link them "
            "to the words we match on."
        ),
    )

    class Meta(OpeningFormBase.Meta):
        fields = [*OPENING_FIELDS[:3], "suggested_competences", *OPENING_FIELDS[3:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["suggested_competences"] = ", ".join(self.instance.competence_suggestions)

    def clean_suggested_competences(self):
        # Stored one a line (employers.services.competence_suggestions_from).
        return "\n".join(split_names(self.cleaned_data["suggested_competences"]))


ANSWER_CHOICES = [
    (ProposalAnswer.INTERESTED, _("Interested: we would like to meet")),
    (ProposalAnswer.NOT_NOW, _("Not now")),
    (ProposalAnswer.NO, _("No")),
]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )
    reason = text_field(
        "reason",
        label=_("Reason"),
        required=False,
        help_text=_("Needed for 'not now' and 'no': it helps us propose better."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("answer") in (ProposalAnswer.NOT_NOW, ProposalAnswer.NO)
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Give a reason when the answer is 'not now' or 'no'."))
        return cleaned


HELD_ON = [validate_not_in_future, validate_not_too_long_ago]


class CheckInForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"), widget=DATE, initial=timezone.localdate, validators=HELD_ON
    )
    notes = text_field("note", label=_("How is it going?"))


class EvaluationForm(forms.Form):
    moment = forms.ChoiceField(label=_("Evaluation"), choices=EvaluationMoment.choices)
    held_on = forms.DateField(
        label=_("Date"),
        widget=DATE,
        initial=timezone.localdate,
        validators=HELD_ON,
        help_text=_("Between the start of the placement and today."),
    )
    progress = text_field(
        "note",
        label=_("Progress on the learning goals"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rating = forms.TypedChoiceField(
        label=_("Overall (1 to 5)"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    next_steps = text_field("note", label=_("Next steps"), required=False)


class EvaluationCorrectionForm(EvaluationForm):
    """The same evaluation, corrected within a few days of filing it; its moment stays."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["moment"]


class PaidWorkForm(forms.Form):
    intent = forms.ChoiceField(
        label=_("Can paid work follow this placement?"),
        choices=PaidWorkIntent.choices,
        widget=forms.RadioSelect,
    )
    note = text_field(
        "reason",
        label=_("Explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [name for name in REFERRAL_FIELDS if name != "municipality"]
        widgets = {"need": TEXTAREA}
        labels = {"company_name": _("Company name"), "need": _("What do they need?")}


class ImpactPeriodForm(forms.Form):
    """Which period the impact figures cover: since the first activity, or one calendar year
    (from the company's first activity to this year, ``portal.selectors.company_impact_years``)."""

    year = forms.TypedChoiceField(
        label=_("Period"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Since the first activity"))] + [
            (str(year), str(year)) for year in years
        ]

    def chosen_year(self) -> int | None:
        """The valid year asked for, else None (since the first activity)."""
        return self.cleaned_data.get("year") if self.is_valid() else None
