"""The one table of field limits (baanbrekers/limits.py) and its validators."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone, translation

from baanbrekers import limits
from baanbrekers.validators import (
    HoursPerWeekValidator,
    TextLengthValidator,
    normalise_phone,
    phone_e164,
    validate_in_planning_window,
    validate_not_in_future,
    validate_postcode_in_region,
)

TODAY = timezone.localdate()


@pytest.mark.parametrize("hours", [1, 24, 60])
def test_hours_within_the_working_hours_act_pass(hours):
    HoursPerWeekValidator()(hours)


@pytest.mark.parametrize("hours", [0, 61, 200])
def test_hours_outside_1_to_60_are_refused_in_dutch(hours):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        HoursPerWeekValidator()(hours)
    assert exc.value.messages == ["Vul 1 tot en met 60 uur per week in."]


def test_a_200000_character_summary_is_refused_with_its_length():
    TextLengthValidator("summary")("x" * limits.TEXT["summary"])
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        TextLengthValidator("summary")("x" * 200_000)
    assert exc.value.messages == ["Houd dit op hoogstens 10.000 tekens (nu 200.000)."]


def test_every_kind_of_text_has_a_sane_limit():
    assert limits.TEXT == {"reason": 2000, "note": 5000, "story": 5000, "summary": 10000}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "06 12345678"),
        ("06-12345678", "06 12345678"),
        ("+31 6 1234 5678", "06 12345678"),
        ("0031612345678", "06 12345678"),
        ("0416123456", "0416 123 456"),
        ("+32 470 12 34 56", "+32 470 12 34 56"),
    ],
)
def test_phone_numbers_are_normalised(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["123", "06-1234", "bel me maar", "0612345678901234"])
def test_a_phone_number_that_cannot_exist_is_refused(typed):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        normalise_phone(typed)
    assert "geldig telefoonnummer" in exc.value.messages[0]


def test_phone_e164_for_links():
    assert phone_e164("06 12345678") == "+31612345678"
    assert phone_e164("onzin") == ""


@override_settings(DATES_EARLIEST_YEAR=2000, PLANNING_YEARS_AHEAD=2)
def test_planned_dates_lie_between_2000_and_two_years_ahead():
    validate_in_planning_window(datetime.date(2000, 1, 1))
    validate_in_planning_window(limits.latest_planned_date())
    for bad in (datetime.date(1999, 12, 31), limits.latest_planned_date() + datetime.timedelta(1)):
        with pytest.raises(ValidationError):
            validate_in_planning_window(bad)


def test_what_was_held_cannot_be_in_the_future():
    validate_not_in_future(TODAY)
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_not_in_future(TODAY + datetime.timedelta(days=1))
    assert "in de toekomst" in exc.value.messages[0]


def test_an_amsterdam_postcode_is_outside_the_region(heusden, waalwijk):
    validate_postcode_in_region("5251 AB")  # Heusden
    validate_postcode_in_region("5141 AA")  # Waalwijk, another municipality of the region
    validate_postcode_in_region("5211 AB")  # 's-Hertogenbosch, next door
    validate_postcode_in_region("1001 AB")  # an area the table does not know: cannot judge
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        validate_postcode_in_region("1011 AB")
    assert exc.value.messages == [
        "Postcode 1011 AB ligt in Amsterdam, meer dan 25 km buiten onze regio (Heusden, Waalwijk)."
    ]


@override_settings(LEAD_TIMES={"evaluation_correctable": 7, "placement_backdate": 31})
def test_lead_times_of_the_table_come_from_settings():
    assert limits.evaluation_correctable_until(datetime.date(2026, 1, 1)) == datetime.date(
        2026, 1, 8
    )
    assert limits.placement_earliest_start(datetime.date(2026, 2, 1)) == datetime.date(2026, 1, 1)
