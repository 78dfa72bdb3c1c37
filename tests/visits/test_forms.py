"""The visit forms' long selects (baanbrekers.widgets.LongSelect) give Django's own markup."""

import pytest
from django import forms

from baanbrekers.widgets import LongSelect
from tests.jobseekers.factories import JobSeekerFactory
from visits.forms import (
    ActionForm,
    AgendaFilterForm,
    SignUpForm,
    StaffAttendeeForm,
    VisitForm,
)

pytestmark = pytest.mark.django_db


def assert_django_markup(make_form):
    """Each LongSelect of the form renders as Django's Select would, field by field."""
    ours, stock = make_form(), make_form()
    names = [name for name, field in ours.fields.items() if isinstance(field.widget, LongSelect)]
    assert names
    for name in names:
        field = stock.fields[name]
        field.widget = forms.Select(attrs=field.widget.attrs, choices=field.choices)
        assert str(ours[name]) == str(stock[name]), name


def test_visit_form_selects(caseworker_heusden, visit, employer, alderman):
    assert_django_markup(lambda: VisitForm(user=caseworker_heusden))
    assert_django_markup(lambda: VisitForm({"employer": "x"}, user=caseworker_heusden))
    assert_django_markup(lambda: VisitForm(user=caseworker_heusden, visit=visit))


def test_sign_up_staff_and_action_selects(caseworker_heusden, visit, heusden):
    JobSeekerFactory.create_batch(
        3, municipality=heusden, caseworker=caseworker_heusden, joins_visits=True
    )
    assert_django_markup(lambda: SignUpForm(user=caseworker_heusden, visit=visit))
    assert_django_markup(lambda: StaffAttendeeForm(visit=visit))
    assert_django_markup(lambda: ActionForm())


def test_agenda_filter_selects(heusden, alderman):
    assert_django_markup(lambda: AgendaFilterForm())
    assert_django_markup(
        lambda: AgendaFilterForm(
            {"view": "month", "municipality": str(heusden.pk), "alderman": str(alderman.pk)}
        )
    )
