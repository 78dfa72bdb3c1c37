"""Forms of a job's page and the portal: the "still working?" check and the job's end.

Shared by placements.views_jobs (caseworkers) and portal.views_jobs (employers): the rule is
placements.services.job_check_record's; these only read the answer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

YES_NO = [("yes", _("Yes, still working there")), ("no", _("No, no longer working there"))]


class JobCheckForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Check"), coerce=int)
    still_working = forms.ChoiceField(
        label=_("Is the person still working there?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    end_date = forms.DateField(
        label=_("Last working day (if known)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the person no longer works there."),
    )

    def __init__(self, *args, months_open: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (m, _("%(months)s months after the start") % {"months": m}) for m in months_open
        ]
        if len(months_open) == 1:
            self.fields["months"].initial = months_open[0]
            self.fields["months"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if data.get("still_working") == "yes" and data.get("end_date"):
            self.add_error(
                "end_date", _("Leave the end date empty when the person still works there.")
            )
        return data


class JobEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Last working day"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the last working day.")},
    )
    reason = forms.CharField(
        label=_("Why it ended"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
