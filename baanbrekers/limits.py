"""The one table of field limits: how many hours, how much text, which dates.

Model fields carry the validators of ``baanbrekers/validators.py`` that read this table, so a
ModelForm, a DRF ModelSerializer, the portal and every service's ``full_clean`` refuse the same
input with the same Dutch message. Plain forms use the same validators (``text_field``).

| what | limit | where it applies |
|---|---|---|
| hours per week | 1 to 60 (the Working Hours Act's maximum) | openings, job seekers' availability, placements, jobs |
| a line of text | 200 characters (the model's ``max_length``) | names, titles |
| ``reason`` | 2,000 characters | reasons, motivations, no-displacement notes |
| ``note`` | 5,000 characters | notes, check-ins, evaluations, goals, meeting notes, tips |
| ``story`` | 5,000 characters | the company's story, experience, limitations |
| ``summary`` | 10,000 characters | contact summaries, opening descriptions |
| planned dates | from ``DATES_EARLIEST_YEAR`` to ``PLANNING_YEARS_AHEAD`` years ahead | openings, placements |
| dates of what happened | not in the future | check-ins, evaluations, buddy meetings |
| a new opening | starts and ends today or later | openings |
| a new placement | starts at most ``LEAD_PLACEMENT_BACKDATE_DAYS`` ago | placements |
| postcodes | in the region: the municipalities served or within ``REGION_RADIUS_KM`` of them | employers, job seekers, openings, tips |
| phone numbers | a valid number (``phonenumbers``, default region ``PHONE_DEFAULT_REGION``) | every phone field |

The policy numbers (dates, lead times) are settings (``baanbrekers/settings/base.py``, section
"Rules", and the README); the law and the text sizes are constants here.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

# The Working Hours Act (Arbeidstijdenwet) allows at most 60 hours in a week.
WORKING_HOURS_ACT_MAX = 60
HOURS_PER_WEEK: tuple[int, int] = (1, WORKING_HOURS_ACT_MAX)

TEXT: dict[str, int] = {
    "reason": 2_000,
    "note": 5_000,
    "story": 5_000,
    "summary": 10_000,
}


def earliest_date() -> datetime.date:
    return datetime.date(settings.DATES_EARLIEST_YEAR, 1, 1)


def latest_planned_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    years = settings.PLANNING_YEARS_AHEAD
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def placement_earliest_start(today: datetime.date | None = None) -> datetime.date:
    """A new placement may be recorded a little after it started, not a year later."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.LEAD_TIMES["placement_backdate"])


def evaluation_correctable_until(recorded_on: datetime.date) -> datetime.date:
    """An evaluation can be corrected by who filed it until this day (inclusive)."""
    return recorded_on + datetime.timedelta(days=settings.LEAD_TIMES["evaluation_correctable"])


def text_field(kind: str, **kwargs) -> forms.CharField:
    """A textarea field of a plain form with the table's limit for this kind of text."""
    from .validators import TextLengthValidator

    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    kwargs["validators"] = [*kwargs.get("validators", []), TextLengthValidator(kind)]
    return forms.CharField(**kwargs)


def hours_field(**kwargs) -> forms.IntegerField:
    """Hours per week in a plain form: the table's range, also as the input's min and max."""
    from .validators import HoursPerWeekValidator

    low, high = HOURS_PER_WEEK
    kwargs.setdefault("widget", forms.NumberInput(attrs={"min": low, "max": high}))
    kwargs["validators"] = [*kwargs.get("validators", []), HoursPerWeekValidator()]
    return forms.IntegerField(**kwargs)


def check_limits(obj) -> None:
    """Runs the field validators and the model's ``clean()`` of ``obj`` (the limits table and
    the model's own rules), raising ValidationError per field. Uniqueness and constraints stay
    the database's (the services turn those into their own messages); relations are the
    caller's to have fetched within the user's reach."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def create_validated(model, /, **fields):
    """``model(**fields)`` checked against the limits table (``check_limits``), then saved: a
    service refuses what a form or the API would."""
    obj = model(**fields)
    check_limits(obj)
    obj.save(force_insert=True)
    return obj
