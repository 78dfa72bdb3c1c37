"""The one date format of the Dutch interface (DESIGN.md section 8).

Shown dates: ``{{ value|date }}`` or ``date_format(value)`` gives "29 november 2026"; with the time,
``DATETIME_FORMAT`` gives "29 november 2026, 14:30". Numeric dates (inputs, short lists) are
"29-11-2026". Templates name these formats instead of spelling out their own, so the format
changes here and nowhere else.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates read as day-month-year; ISO stays accepted because the browser's date input sends it.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
