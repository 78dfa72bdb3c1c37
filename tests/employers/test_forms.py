"""The long selects of the employer list's filter form (baanbrekers.widgets.LongSelect) write
the HTML of Django's Select."""

import pytest
from django import forms

from baanbrekers.widgets import LongSelect

CHOICES = [
    ("", "Alle"),
    ("1", "'s-Hertogenbosch"),
    ("2", "Bakker & Zn <b>"),
    ("10", "Dongen"),
    ("1", "Dubbel"),  # only the first option with the chosen value is selected
]


@pytest.mark.parametrize("value", [None, "", "1", "10", "999", 2])
@pytest.mark.parametrize("attrs", [None, {"id": "id_owner", "aria-describedby": "x_helptext"}])
def test_long_select_writes_the_html_of_djangos_select(value, attrs):
    ours = LongSelect(choices=CHOICES).render("owner", value, attrs=attrs)
    djangos = forms.Select(choices=CHOICES).render("owner", value, attrs=attrs)
    assert ours == djangos
