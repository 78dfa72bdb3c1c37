"""Forms of the pipeline. They only collect input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from employers.models import EmployerContact

from .models import (
    ContractType,
    EvaluationMoment,
    Evaluator,
    IntroductionOutcome,
    JobRoute,
    MeetingKind,
    PlacementOutcome,
    SalaryBand,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposeForm(forms.Form):
    jobseeker = forms.IntegerField(widget=forms.HiddenInput)
    motivation = forms.CharField(
        label=_("Why this person"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposalAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Employer's answer"),
        choices=[
            ("interested", _("Interested")),
            ("not_now", _("Not now")),
            ("no", _("No")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for 'not now' and 'no'."),
    )


class PlacementForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor at the company"),
        queryset=EmployerContact.objects.none(),
        required=False,
    )
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    planned_end_date = forms.DateField(
        label=_("Planned end"),
        widget=DATE,
        required=False,
    )
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=40)
    learning_goals = forms.CharField(
        label=_("Learning goals"), widget=forms.Textarea(attrs={"rows": 3})
    )
    benefit_kept = forms.BooleanField(label=_("Benefit continues"), required=False, initial=True)
    insurance_arranged = forms.BooleanField(label=_("Insurance arranged"), required=False)

    def __init__(self, *args, employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = EmployerContact.objects.filter(employer=employer)
        # Read per form, not at import: the limits are settings (overridable per environment).
        self.fields["planned_end_date"].help_text = _(
            "Empty: %(min)s months after the start (at most %(max)s months)."
        ) % {"min": settings.PLACEMENT_DEFAULT_MONTHS, "max": settings.PLACEMENT_MAX_MONTHS}


class NoDisplacementForm(forms.Form):
    note = forms.CharField(
        label=_("How displacement was ruled out"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(forms.Form):
    new_end_date = forms.DateField(label=_("New planned end"), widget=DATE)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PlacementOutcome.choices)


class EndEarlyForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ending"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=PlacementOutcome.choices, initial=PlacementOutcome.NONE
    )


class CheckInForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    notes = forms.CharField(label=_("How is it going?"), widget=forms.Textarea(attrs={"rows": 2}))


class EvaluationForm(forms.Form):
    moment = forms.ChoiceField(label=_("Moment"), choices=EvaluationMoment.choices)
    evaluator = forms.ChoiceField(label=_("By"), choices=Evaluator.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    progress = forms.CharField(
        label=_("Progress on the learning goals"), widget=forms.Textarea(attrs={"rows": 3})
    )
    rating = forms.IntegerField(
        label=_("Overall (1 to 5)"), min_value=1, max_value=5, required=False
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class JobOutcomeForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=None, required=False)
    employer_name = forms.CharField(
        label=_("Or the employer's name (if not in our files)"), max_length=200, required=False
    )
    contract_type = forms.ChoiceField(label=_("Contract"), choices=ContractType.choices)
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    start_date = forms.DateField(label=_("Start"), widget=DATE)
    salary_band = forms.ChoiceField(
        label=_("Salary band"), choices=[("", "—"), *SalaryBand.choices], required=False
    )
    route = forms.ChoiceField(label=_("Route to this job"), choices=JobRoute.choices)

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers

    def clean(self):
        data = super().clean()
        if not data.get("employer") and not (data.get("employer_name") or "").strip():
            self.add_error("employer", _("Choose the employer or type its name."))
        return data


class BuddyPairingForm(forms.Form):
    buddy_name = forms.CharField(label=_("Buddy"), max_length=200)
    buddy_organisation = forms.CharField(
        label=_("Buddy's organisation"), max_length=200, required=False
    )
    buddy_email = forms.EmailField(label=_("Buddy's email"), required=False)
    buddy_phone = forms.CharField(label=_("Buddy's phone"), max_length=30, required=False)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea(attrs={"rows": 3}))
    start_date = forms.DateField(label=_("Start"), widget=DATE)


class BuddyMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IntroductionForm(forms.Form):
    introduced_on = forms.DateField(label=_("Date"), widget=DATE)
    person_name = forms.CharField(label=_("Introduced to"), max_length=200)
    company_name = forms.CharField(label=_("Company"), max_length=200)
    outcome = forms.ChoiceField(
        label=_("What came of it"),
        choices=IntroductionOutcome.choices,
        initial=IntroductionOutcome.PENDING,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
