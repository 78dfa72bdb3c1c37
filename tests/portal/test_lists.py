"""Portal lists run a constant number of queries, however many rows the company has."""

import pytest
from django.urls import reverse

from tests.employers.factories import OpeningFactory
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db


def _count(client, url, django_assert_max_num_queries, limit=None):
    with django_assert_max_num_queries(limit or 30) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["portal:openings", "portal:placements", "portal:home"])
def test_lists_do_not_grow_with_rows(
    client, name, employer_contact_a, company_a, caseworker_heusden, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            opening = OpeningFactory(employer=company_a, competences=["Bakken", "Inpakken"])
            make_placement(user=caseworker_heusden, opening=opening, status="active")

    client.force_login(employer_contact_a)
    url = reverse(name)
    add(1)
    small = _count(client, url, django_assert_max_num_queries)
    add(5)
    _count(client, url, django_assert_max_num_queries, limit=small)


def test_a_bad_claim_from_a_linked_user_keeps_the_company_page(
    client, employer_contact_a, company_a
):
    client.force_login(employer_contact_a)
    response = client.post(reverse("portal:claim"), {"kvk_number": "12"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bakkerij Van Aken" in html and "8 cijfers" in html
