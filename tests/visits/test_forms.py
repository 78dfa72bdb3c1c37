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


def test_agenda_filter_selects(heusden, waalwijk, alderman, coordinator, caseworker_heusden):
    for user in (coordinator, caseworker_heusden):
        assert_django_markup(lambda user=user: AgendaFilterForm(user=user))
        assert_django_markup(
            lambda user=user: AgendaFilterForm(
                {"view": "month", "municipality": str(heusden.pk), "alderman": str(alderman.pk)},
                user=user,
            )
        )


def _choices(form, name) -> set[str]:
    return {str(label) for value, label in form.fields[name].choices if value != ""}


def test_agenda_filter_offers_a_caseworker_their_municipalities_and_aldermen(
    heusden, waalwijk, loon_op_zand, alderman, caseworker_heusden, caseworker_waalwijk
):
    from baanbrekers.models import Role
    from tests.users import make_user

    make_user("ada@waalwijk.example.org", Role.ALDERMAN, [waalwijk], first_name="Ada")
    make_user("bo@heusden.example.org", Role.ALDERMAN, [heusden], first_name="Bo", is_active=False)
    form = AgendaFilterForm(user=caseworker_heusden)
    assert _choices(form, "municipality") == {"Heusden"}
    assert _choices(form, "alderman") == {"Wim"}
    form = AgendaFilterForm(user=caseworker_waalwijk)
    assert _choices(form, "municipality") == {"Waalwijk"}
    assert _choices(form, "alderman") == {"Ada"}
    # Another municipality's alderman is no choice (the agenda would be empty anyway).
    assert not AgendaFilterForm({"alderman": str(alderman.pk)}, user=caseworker_waalwijk).is_valid()
    assert not AgendaFilterForm(
        {"municipality": str(heusden.pk)}, user=caseworker_waalwijk
    ).is_valid()


def test_agenda_filter_offers_an_alderman_their_municipality_and_a_coordinator_all(
    heusden, waalwijk, loon_op_zand, alderman, coordinator
):
    from baanbrekers.models import Role
    from tests.users import make_user

    make_user("ada@waalwijk.example.org", Role.ALDERMAN, [waalwijk], first_name="Ada")
    form = AgendaFilterForm(user=alderman)
    assert _choices(form, "municipality") == {"Heusden"}
    assert _choices(form, "alderman") == {"Wim"}
    form = AgendaFilterForm(user=coordinator)
    assert _choices(form, "municipality") == {"Heusden", "Loon op Zand", "Waalwijk"}
    assert _choices(form, "alderman") == {"Ada", "Wim"}
