"""baanbrekers.widgets: the selects written in Python give Django's own markup, byte for byte."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from baanbrekers.models import Municipality, Role, User
from baanbrekers.widgets import LongModelChoiceField, LongSelect
from tests.users import make_user

CHOICES = [
    ("", "---------"),
    (1, "Heusden"),
    ("2", 'Tom & "Jerry" <b>'),
    (3, gettext_lazy("Week")),
    ("Groep", [(4, "Vier"), (5, "Vijf")]),
    (None, "Niets"),
]


def stock(widget: forms.Select) -> forms.Select:
    return forms.Select(attrs=widget.attrs, choices=widget.choices)


@pytest.mark.parametrize("value", [None, "", 1, "2", 5, "nothing", ["2", 3]])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_x", "required": True}, {"id": "id_x", "disabled": True, "class": 'a"b'}],
)
def test_long_select_writes_the_same_markup_as_django(value, attrs):
    widget = LongSelect(choices=CHOICES)
    assert widget.render("x", value, attrs=attrs) == stock(widget).render("x", value, attrs=attrs)


def test_a_value_in_the_list_twice_is_selected_once():
    widget = LongSelect(choices=[(1, "een"), ("1", "nog eens een")])
    html = widget.render("x", 1)
    assert html.count(" selected") == 1
    assert html == stock(widget).render("x", 1)


@pytest.mark.django_db
def test_long_model_choice_field_renders_as_a_model_choice_field(heusden, waalwijk):
    for role in (Role.ALDERMAN, Role.ALDERMAN, Role.CASEWORKER):
        make_user(f"{role}-{User.objects.count()}@example.org", role, [heusden])

    class Form(forms.Form):
        town = LongModelChoiceField(queryset=Municipality.objects.all(), required=False)
        person = LongModelChoiceField(
            queryset=User.objects.filter(role=Role.ALDERMAN).order_by("email"),
            option_fields=("first_name", "last_name", "email"),
        )

    class Stock(forms.Form):
        town = forms.ModelChoiceField(queryset=Municipality.objects.all(), required=False)
        person = forms.ModelChoiceField(
            queryset=User.objects.filter(role=Role.ALDERMAN).order_by("email")
        )

    alderman = User.objects.filter(role=Role.ALDERMAN).order_by("email").last()
    for data in (None, {"town": str(waalwijk.pk), "person": str(alderman.pk)}, {"town": "x"}):
        form, expected = Form(data), Stock(data)
        form.is_valid()  # a bound field asks for its errors when drawn
        with CaptureQueriesContext(connection) as queries:
            html = str(form["town"]) + str(form["person"])
        assert html == str(expected["town"]) + str(expected["person"])
        assert len(queries) == 2, [q["sql"][:90] for q in queries]  # one per select
    form = Form({"person": str(alderman.pk)})
    assert form.is_valid()
    # The chosen row is read whole, not only the label's columns.
    assert form.cleaned_data["person"].get_deferred_fields() == set()
