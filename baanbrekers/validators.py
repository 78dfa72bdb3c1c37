"""Validators for Dutch identifiers, with messages users understand."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
