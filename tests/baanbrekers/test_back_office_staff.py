"""``back_office_staff``: the one home of "which staff may keep a file, own a relationship or a
follow-up", and what a caseworker is offered of them (their municipalities' colleagues only)."""

import re

import pytest

from baanbrekers.access import back_office_staff
from baanbrekers.models import Role
from tests.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(heusden, waalwijk, caseworker_heusden, caseworker_waalwijk, coordinator, alderman):
    colleague = make_user("collega@heusden.example.org", Role.CASEWORKER, [heusden])
    gone = make_user("weg@heusden.example.org", Role.CASEWORKER, [heusden], is_active=False)
    both = make_user("beide@example.org", Role.CASEWORKER, [heusden, waalwijk])
    return {"colleague": colleague, "gone": gone, "both": both}


def test_everyone_active_in_the_back_office_without_a_user(staff, caseworker_heusden, alderman):
    everyone = set(back_office_staff())
    assert {staff["colleague"], staff["both"], caseworker_heusden} <= everyone
    assert staff["gone"] not in everyone
    assert alderman not in everyone


def test_a_caseworker_is_offered_the_colleagues_of_their_municipalities(
    staff, caseworker_heusden, caseworker_waalwijk, coordinator
):
    offered = list(back_office_staff(caseworker_heusden))
    # The coordinator works in Heusden too (tests.users).
    assert set(offered) == {caseworker_heusden, staff["colleague"], staff["both"], coordinator}
    assert len(offered) == len(set(offered))  # a colleague of two shared municipalities once
    assert caseworker_waalwijk not in offered
    assert set(back_office_staff(coordinator)) == set(back_office_staff())


def test_the_employer_list_filter_offers_the_same_staff(
    client, staff, caseworker_heusden, caseworker_waalwijk
):
    client.force_login(caseworker_heusden)
    page = client.get("/employers/").content.decode()
    owner_select = re.search(r'<select[^>]*name="owner".*?</select>', page, re.S).group(0)
    offered = {int(pk) for pk in re.findall(r'<option value="(\d+)"', owner_select)}
    assert offered == {u.pk for u in back_office_staff(caseworker_heusden)}
    assert caseworker_waalwijk.pk not in offered
