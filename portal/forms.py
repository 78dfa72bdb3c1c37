"""Forms of the employer portal. They validate and present; ``portal.services`` saves."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.forms import formfield_https
from employers.forms import DATE, TEXTAREA, SkillNamesField, clean_postcode_value
from employers.models import Employer, EmployerContact, Opening, Referral
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
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class StoryForm(forms.ModelForm):
    valued_skills = SkillNamesField(label=_("Competences and attitudes you look for"))

    class Meta:
        formfield_callback = formfield_https
        model = Employer
        fields = [
            "story_what",
            "story_passion",
            "story_culture",
            "story_views",
            "story_values",
            "valued_skills",
            "website",
        ]
        widgets = {name: TEXTAREA for name in fields[:5]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "valued_skills" not in self.initial:
            self.initial["valued_skills"] = [s.name for s in self.instance.valued_skills.all()]

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "valued_skills"}


class ContactForm(forms.ModelForm):
    class Meta:
        model = EmployerContact
        fields = ["name", "role", "email", "phone", "is_primary"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }


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
        ]
        widgets = {"description": TEXTAREA, "start_date": DATE, "end_date": DATE}

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
        if "end_date" in self.errors:
            return
        super()._post_clean()


ANSWER_CHOICES = [
    (ProposalAnswer.INTERESTED, _("Interested: we would like to meet")),
    (ProposalAnswer.NOT_NOW, _("Not now")),
    (ProposalAnswer.NO, _("No")),
]


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"), choices=ANSWER_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
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


class CheckInForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("How is it going?"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("A check-in cannot be in the future."))
        return held_on


class EvaluationForm(forms.Form):
    moment = forms.ChoiceField(label=_("Evaluation"), choices=EvaluationMoment.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    progress = forms.CharField(
        label=_("Progress on the learning goals"), widget=forms.Textarea(attrs={"rows": 4})
    )
    rating = forms.TypedChoiceField(
        label=_("Overall (1 to 5)"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class PaidWorkForm(forms.Form):
    intent = forms.ChoiceField(
        label=_("Can paid work follow this placement?"),
        choices=PaidWorkIntent.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "company_name",
            "need",
            "kvk_number",
            "postcode",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "need": TEXTAREA,
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        labels = {"company_name": _("Company name"), "need": _("What do they need?")}

    def clean_postcode(self):
        return clean_postcode_value(self.cleaned_data["postcode"])
