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
    assert_django_markup(lambda: StaffAttendeeForm(user=caseworker_heusden, visit=visit))
    assert_django_markup(lambda: ActionForm(user=caseworker_heusden, visit=visit))


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


def _people(form, name) -> set[str]:
    return {obj.email for obj in form.fields[name].queryset}


def test_visit_forms_offer_the_staff_of_the_visits_region_not_the_country(
    heusden, waalwijk, loon_op_zand, visit, alderman, caseworker_heusden, caseworker_waalwijk,
    coordinator,
):  # fmt: skip
    """visits.access.visit_staff_choices: a visit to a Heusden company offers the people of
    Heusden, of the user's own municipalities and those already on the visit; never the staff
    of a municipality that has nothing to do with it (a national instance has thousands)."""
    from baanbrekers.models import Role
    from tests.users import make_user

    ada = make_user("ada@waalwijk.example.org", Role.ALDERMAN, [waalwijk], first_name="Ada")
    lotte = make_user("lotte@loonopzand.example.org", Role.CASEWORKER, [loon_op_zand])
    make_user("weg@heusden.example.org", Role.CASEWORKER, [heusden], is_active=False)
    heusden_side = {caseworker_heusden.email, alderman.email, coordinator.email}
    assert heusden in coordinator.municipalities.all()
    # The Heusden caseworker: Heusden's people (the visit's and their own municipality).
    assert _people(ActionForm(user=caseworker_heusden, visit=visit), "owner") == heusden_side
    # To join: those not on it yet.
    joinable = _people(StaffAttendeeForm(user=caseworker_heusden, visit=visit), "user")
    assert joinable == {coordinator.email}
    assert _people(VisitForm(user=caseworker_heusden), "aldermen") == {alderman.email}
    # A Waalwijk caseworker who manages it: also Waalwijk's, not Loon op Zand's.
    form = ActionForm(user=caseworker_waalwijk, visit=visit)
    assert _people(form, "owner") == heusden_side | {caseworker_waalwijk.email, ada.email}
    assert lotte.email not in _people(StaffAttendeeForm(user=coordinator, visit=visit), "user")
    # Someone already on the visit stays a possible owner of its actions.
    visit.staff.create(user=lotte)
    assert lotte.email in _people(ActionForm(user=caseworker_heusden, visit=visit), "owner")
    # A choice outside the set is refused, whatever the page offered.
    refused = ActionForm(
        {"what": "Bellen", "owner": str(ada.pk), "due_on": "2030-01-01"},
        user=caseworker_heusden,
        visit=visit,
    )
    assert not refused.is_valid() and "owner" in refused.errors
    # Coordinators work everywhere, mostly without a municipality of their own: always offered
    # (also to themselves).
    national = make_user("nora@example.org", Role.COORDINATOR, [])
    assert national.email in _people(ActionForm(user=caseworker_heusden, visit=visit), "owner")
    assert national.email in _people(StaffAttendeeForm(user=national, visit=visit), "user")
    # A coordinator planning a visit (no company chosen yet) may invite any alderman.
    assert _people(VisitForm(user=coordinator), "aldermen") == {alderman.email, ada.email}
