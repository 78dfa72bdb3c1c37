"""Validators for Dutch identifiers and for the limits table (``baanbrekers/limits.py``), with
messages users understand. Model fields carry them, so ModelForms, API serializers, the portal
and every service's ``full_clean`` ask the same rule."""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from . import geo

_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")


def normalise_postcode(value: str) -> str:
    """'5171ab' -> '5171 AB'. Raises ValidationError for anything that is not a Dutch postcode."""
    match = _POSTCODE.match(value or "")
    if not match:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, such as 5171 AB."),
            code="invalid_postcode",
        )
    letters = match.group(2).upper()
    if letters in {"SA", "SD", "SS"}:
        raise ValidationError(
            _("Postcodes with the letters SA, SD or SS do not exist."), code="invalid_postcode"
        )
    return f"{match.group(1)} {letters}"


def validate_postcode(value: str) -> None:
    normalise_postcode(value)


def validate_kvk_number(value: str) -> None:
    if not re.fullmatch(r"\d{8}", value or ""):
        raise ValidationError(
            _("A KvK number has exactly 8 digits, such as 12345678."), code="invalid_kvk"
        )


def bsn_passes_eleven_test(value: str) -> bool:
    if not re.fullmatch(r"\d{9}", value or ""):
        return False
    digits = [int(d) for d in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0 and value != "000000000"


def validate_bsn(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(_("A BSN has exactly 9 digits."), code="invalid_bsn")
    if not bsn_passes_eleven_test(value):
        raise ValidationError(
            _("This is not a valid BSN: it does not pass the eleven-test. Check the number."),
            code="invalid_bsn",
        )


# --- The limits table's validators (numbers: baanbrekers/limits.py) -------------------------
# Deconstructible classes that read their numbers when called, so a migration names the
# validator, not a number, and a changed setting needs no migration.


@deconstructible
class HoursPerWeekValidator:
    """Hours per week between 1 and the Working Hours Act's maximum (openings, availability,
    placements, jobs)."""

    code = "hours_per_week"

    def __call__(self, value) -> None:
        from . import limits

        if value is None:
            return
        low, high = limits.HOURS_PER_WEEK
        if not low <= value <= high:
            raise ValidationError(
                _("Enter between %(low)s and %(high)s hours per week.")
                % {"low": low, "high": high},
                code=self.code,
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, HoursPerWeekValidator)


@deconstructible
class TextLengthValidator:
    """At most the table's number of characters for this kind of text (``limits.TEXT``)."""

    code = "text_too_long"

    def __init__(self, kind: str):
        self.kind = kind

    def __call__(self, value) -> None:
        from . import limits

        limit = limits.TEXT[self.kind]
        length = len(value or "")
        if length > limit:
            raise ValidationError(
                _("Keep this to at most %(limit)s characters (now %(length)s).")
                % {"limit": number_format(limit), "length": number_format(length)},
                code=self.code,
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, TextLengthValidator) and other.kind == self.kind


def number_format(value: int) -> str:
    """10000 -> '10.000' in Dutch (the message is read in the active language)."""
    from django.utils.formats import number_format as format_number

    return format_number(value, force_grouping=True)


def validate_in_planning_window(value: datetime.date | None) -> None:
    """Planned dates (openings, placements) lie between the earliest year we keep and a few years
    ahead: a typo such as 1999 or 2206 is caught."""
    from . import limits

    if value is None:
        return
    earliest, latest = limits.earliest_date(), limits.latest_planned_date()
    if value < earliest:
        raise ValidationError(
            _("This date is too long ago: %(date)s is before %(earliest)s.")
            % {"date": date_format(value), "earliest": date_format(earliest)},
            code="date_too_early",
        )
    if value > latest:
        raise ValidationError(
            _("This date is too far ahead: plan at most until %(latest)s.")
            % {"latest": date_format(latest)},
            code="date_too_late",
        )


def validate_not_in_future(value: datetime.date | None) -> None:
    """Something that was held (a meeting, a check-in, an evaluation) cannot be in the future."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("This date is in the future; record it once it has taken place."),
            code="date_in_future",
        )


def validate_not_too_long_ago(value: datetime.date | None) -> None:
    """Past dates of things that happened are within the earliest year we keep."""
    from . import limits

    if value is not None and value < limits.earliest_date():
        raise ValidationError(
            _("This date is too long ago: %(date)s is before %(earliest)s.")
            % {"date": date_format(value), "earliest": date_format(limits.earliest_date())},
            code="date_too_early",
        )


def date_format(value: datetime.date) -> str:
    from django.utils.formats import date_format as format_date

    return format_date(value, "SHORT_DATE_FORMAT")


# --- Phone numbers --------------------------------------------------------------------------
def normalise_phone(value: str) -> str:
    """'0612345678' -> '06 12345678', '+32 2 123 45 67' stays international; Dutch by default.

    Dutch numbers are stored in the national notation people dial and read; others in the
    international one. Raises ValidationError for anything that is not a possible number.
    """
    if not (value or "").strip():
        return ""
    region = getattr(settings, "PHONE_DEFAULT_REGION", "NL")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, such as 06 12345678 or 0416 123456."),
            code="invalid_phone",
        )
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def validate_phone(value: str) -> None:
    normalise_phone(value)


def phone_e164(value: str) -> str:
    """'06 12345678' -> '+31612345678', for tel: links; empty when not a valid number."""
    try:
        number = phonenumbers.parse(value or "", getattr(settings, "PHONE_DEFAULT_REGION", "NL"))
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Postcodes and the region ---------------------------------------------------------------
# Within ``served_municipalities_read_once()``: the municipalities we serve as read the first time
# (``"served"``) and, per postcode area (four digits) outside them, whether it lies near enough
# (``"near"``).
_REGION_MEMO: ContextVar[dict | None] = ContextVar("region_memo", default=None)


@contextmanager
def served_municipalities_read_once() -> Iterator[None]:
    """Within the block ``validate_postcode_in_region`` reads the municipalities we serve once
    instead of on every call (an import checks thousands of postcodes: one query for the file,
    not one per row). A municipality added or removed inside the block is not seen by it."""
    token = _REGION_MEMO.set({})
    try:
        yield
    finally:
        _REGION_MEMO.reset(token)


def validate_postcode_in_region(value: str) -> None:
    """An employer's address, where a job seeker lives, a work location or a tipped company lies
    in or near the municipalities we serve (the ``Municipality`` rows): within
    ``REGION_RADIUS_KM`` of one of their postcode areas, so a neighbouring village passes and
    Amsterdam does not. An area the table does not know passes: the table is not complete, and
    a malformed postcode is another validator's."""
    from .models import Municipality

    found = geo.area(value) if value else None
    if found is None:
        return
    memo = _REGION_MEMO.get()
    if memo is None:
        served = dict(Municipality.objects.values_list("cbs_code", "name"))
    else:
        if "served" not in memo:
            memo["served"] = dict(Municipality.objects.values_list("cbs_code", "name"))
        served = memo["served"]
    if not served or found.cbs_code in served:
        return
    radius = settings.REGION_RADIUS_KM
    key = (found.pc4, radius)
    near = None if memo is None else memo.setdefault("near", {}).get(key)
    if near is None:
        near = any(
            geo.haversine_km(found.lat, found.lon, other.lat, other.lon) <= radius
            for code in served
            for other in geo.areas_in_municipality(code)
        )
        if memo is not None:
            memo["near"][key] = near
    if near:
        return
    raise ValidationError(
        _(
            "Postcode %(postcode)s lies in %(place)s, more than %(km)s km outside our region (%(region)s)."
        )
        % {
            "postcode": value,
            "place": found.municipality or found.place,
            "km": radius,
            "region": ", ".join(sorted(served.values())),
        },
        code="postcode_outside_region",
    )
