"""The period and area of a dashboard or export (GET parameters, so links can be shared)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.widgets import LongSelect

from .access import REGION
from .selectors import Period

MAX_MONTHS = 10 * 12


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self):
        super().__init__(format="%Y-%m")


class MonthField(forms.DateField):
    widget = MonthInput

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=["%Y-%m"],
            error_messages={"invalid": _("Enter a month as year and month, e.g. 2026-03.")},
            **kwargs,
        )


def default_period(today: datetime.date | None = None) -> Period:
    """This calendar year up to and including this month."""
    today = today or timezone.localdate()
    return Period.months(today.replace(month=1, day=1), today)


class DashboardFilterForm(forms.Form):
    start = MonthField(label=_("From"), required=False)
    end = MonthField(label=_("Up to and including"), required=False)
    area = forms.ChoiceField(label=_("Municipality or region"), required=False, widget=LongSelect)

    def __init__(self, *args, municipalities, region_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(REGION, region_name)] + [
            (m.cbs_code, m.name) for m in municipalities
        ]

    def clean(self):
        cleaned = super().clean()
        default = default_period()
        start = cleaned.get("start") or default.start
        end = cleaned.get("end") or default.end
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if end < start:
            self.add_error("end", _("The end must not be before the start."))
        elif (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            self.add_error("end", _("Choose a period of at most ten years."))
        else:
            cleaned["period"] = Period.months(start, end)
        return cleaned

    def period(self) -> Period:
        """The chosen period, or this year when the choice is missing or wrong."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return default_period()

    def area_code(self) -> str:
        # An area not offered is refused by the view (404), not silently replaced.
        return self.data.get("area") or REGION
