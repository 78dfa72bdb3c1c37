import pytest
from django.core.exceptions import ValidationError

from baanbrekers.validators import (
    bsn_passes_eleven_test,
    normalise_postcode,
    validate_bsn,
    validate_kvk_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5171ab", "5171 AB"),
        ("5171 AB", "5171 AB"),
        (" 5251  xd ", "5251 XD"),
        ("1011AB", "1011 AB"),
    ],
)
def test_postcodes_are_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "bad", ["", "0123 AB", "51711AB", "5171 A", "ABCD EF", "5171 SS", "5171-AB"]
)
def test_bad_postcodes_get_a_clear_message(bad):
    with pytest.raises(ValidationError) as exc:
        normalise_postcode(bad)
    assert exc.value.code == "invalid_postcode"


@pytest.mark.parametrize("good", ["111222333", "123456782"])
def test_bsn_eleven_test_accepts_valid_numbers(good):
    assert bsn_passes_eleven_test(good)
    validate_bsn(good)


@pytest.mark.parametrize(
    "bad", ["123456789", "000000000", "12345678", "1234567890", "12345678a", ""]
)
def test_bsn_eleven_test_refuses_invalid_numbers(bad):
    assert not bsn_passes_eleven_test(bad)
    with pytest.raises(ValidationError):
        validate_bsn(bad)


@pytest.mark.parametrize("bad", ["1234567", "123456789", "1234567a", ""])
def test_kvk_number_has_eight_digits(bad):
    with pytest.raises(ValidationError, match="8"):
        validate_kvk_number(bad)
    validate_kvk_number("12345678")
