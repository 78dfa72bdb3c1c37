"""Forms of the pipeline. They only collect input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from baanbrekers.limits import hours_field, text_field
from baanbrekers.validators import (
    validate_in_planning_window,
    validate_not_in_future,
    validate_not_too_long_ago,
    validate_phone,
)
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
# The limits table (baanbrekers/limits.py): the same validators as the model fields, so the
# error shows next to the field before the service says it again.
HELD_ON = [validate_not_in_future, validate_not_too_long_ago]
PLANNED = [validate_in_planning_window]


class ProposeForm(forms.Form):
    jobseeker = forms.IntegerField(widget=forms.HiddenInput)
    motivation = text_field(
        "reason",
        label=_("Why this person"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
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
    reason = text_field(
        "reason",
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
    start_date = forms.DateField(label=_("Start"), widget=DATE, validators=PLANNED)
    planned_end_date = forms.DateField(
        label=_("Planned end"),
        widget=DATE,
        required=False,
        validators=PLANNED,
    )
    hours_per_week = hours_field(label=_("Hours per week"))
    learning_goals = text_field("note", label=_("Learning goals"))
    benefit_kept = forms.BooleanField(label=_("Benefit continues"), required=False, initial=True)
    insurance_arranged = forms.BooleanField(label=_("Insurance arranged"), required=False)

    def __init__(self, *args, employer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = EmployerContact.objects.filter(employer=employer)
        # Read per form, not at import: the limits are settings (overridable per environment).
        self.fields["planned_end_date"].help_text = _(
            "Empty: %(min)s months after the start (at most %(max)s months)."
        ) % {"min": settings.PLACEMENT_DEFAULT_MONTHS, "max": settings.PLACEMENT_MAX_MONTHS}


class PlacementEditForm(PlacementForm):
    """The agreements of an existing placement. Once it runs, only what may be corrected is on
    the form, with the reason (placements.services.placement_update decides; this collects)."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, employer, started: bool, **kwargs):
        super().__init__(*args, employer=employer, **kwargs)
        self.fields["planned_end_date"].required = True
        self.fields["planned_end_date"].help_text = ""
        if started:
            for name in ("planned_end_date", "benefit_kept", "insurance_arranged"):
                del self.fields[name]
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "The placement has started: the correction is kept in the audit log."
            )
        else:
            del self.fields["reason"]

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}


class ProposeByHandForm(forms.Form):
    """Propose a person to any open opening the caseworker sees, not only from the match list."""

    opening = forms.ModelChoiceField(label=_("Opening"), queryset=None)
    motivation = forms.CharField(
        label=_("Why this person"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, openings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opening"].queryset = openings
        self.fields["opening"].label_from_instance = lambda o: (
            _("%(title)s at %(employer)s (%(kind)s)")
            % {"title": o.title, "employer": o.employer, "kind": o.get_kind_display().lower()}
        )


class NoDisplacementForm(forms.Form):
    note = text_field(
        "reason",
        label=_("How displacement was ruled out"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtendForm(forms.Form):
    new_end_date = forms.DateField(label=_("New planned end"), widget=DATE, validators=PLANNED)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PlacementOutcome.choices)


class EndEarlyForm(forms.Form):
    reason = text_field(
        "reason", label=_("Reason for ending"), widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=PlacementOutcome.choices, initial=PlacementOutcome.NONE
    )


class CheckInForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=HELD_ON)
    notes = text_field(
        "note", label=_("How is it going?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EvaluationForm(forms.Form):
    moment = forms.ChoiceField(label=_("Moment"), choices=EvaluationMoment.choices)
    evaluator = forms.ChoiceField(label=_("By"), choices=Evaluator.choices)
    held_on = forms.DateField(
        label=_("Date"),
        widget=DATE,
        validators=HELD_ON,
        help_text=_("Between the start of the placement and today."),
    )
    progress = text_field("note", label=_("Progress on the learning goals"))
    rating = forms.IntegerField(
        label=_("Overall (1 to 5)"), min_value=1, max_value=5, required=False
    )
    next_steps = text_field(
        "note", label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class JobOutcomeForm(forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=None, required=False)
    employer_name = forms.CharField(
        label=_("Or the employer's name (if not in our files)"), max_length=200, required=False
    )
    contract_type = forms.ChoiceField(label=_("Contract"), choices=ContractType.choices)
    hours_per_week = hours_field(label=_("Hours per week"))
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
    buddy_phone = forms.CharField(
        label=_("Buddy's phone"),
        max_length=30,
        required=False,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    goals = text_field("note", label=_("Goals"))
    start_date = forms.DateField(label=_("Start"), widget=DATE)


class BuddyMeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE, validators=HELD_ON)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    notes = text_field(
        "note", label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IntroductionForm(forms.Form):
    introduced_on = forms.DateField(
        label=_("Date"), widget=DATE, validators=[validate_not_too_long_ago]
    )
    person_name = forms.CharField(label=_("Introduced to"), max_length=200)
    company_name = forms.CharField(label=_("Company"), max_length=200)
    outcome = forms.ChoiceField(
        label=_("What came of it"),
        choices=IntroductionOutcome.choices,
        initial=IntroductionOutcome.PENDING,
    )
    notes = text_field(
        "note", label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
