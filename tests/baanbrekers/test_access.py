import pytest
from django.http import Http404

from baanbrekers.access import get_visible_or_404, scope_to_municipalities
from baanbrekers.models import Municipality


@pytest.fixture
def all_municipalities(heusden, loon_op_zand, waalwijk):
    return Municipality.objects.all()


def codes(qs):
    return sorted(qs.values_list("cbs_code", flat=True))


def test_coordinator_sees_every_municipality(all_municipalities, coordinator):
    assert codes(scope_to_municipalities(all_municipalities, coordinator, field="pk")) == [
        "GM0797",
        "GM0809",
        "GM0867",
    ]


def test_caseworker_sees_own_municipalities_only(all_municipalities, caseworker_waalwijk):
    assert codes(scope_to_municipalities(all_municipalities, caseworker_waalwijk, field="pk")) == [
        "GM0867"
    ]


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
def test_others_see_nothing_of_the_back_office(all_municipalities, request, who):
    user = request.getfixturevalue(who)
    assert not scope_to_municipalities(all_municipalities, user, field="pk").exists()


def test_a_miss_or_someone_elses_record_is_a_404(all_municipalities, caseworker_waalwijk, heusden):
    scoped = scope_to_municipalities(all_municipalities, caseworker_waalwijk, field="pk")
    with pytest.raises(Http404):
        get_visible_or_404(scoped, heusden.pk)
    with pytest.raises(Http404):
        get_visible_or_404(scoped, "not-a-number")
