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


def test_the_employer_form_offers_a_caseworker_their_colleagues_and_the_current_owner(
    caseworker_heusden, caseworker_waalwijk, bakery_heusden
):
    """The relationship owner comes from back_office_staff(user), as the suggestions do: a
    caseworker cannot pick (or list) staff of municipalities they do not serve. The current
    owner stays selectable."""
    from employers.forms import EmployerForm

    field = EmployerForm(user=caseworker_heusden).fields["relationship_owner"]
    assert set(field.queryset) == {caseworker_heusden}
    bakery_heusden.relationship_owner = caseworker_waalwijk
    bakery_heusden.save(update_fields=["relationship_owner"])
    field = EmployerForm(instance=bakery_heusden, user=caseworker_heusden).fields[
        "relationship_owner"
    ]
    assert set(field.queryset) == {caseworker_heusden, caseworker_waalwijk}
