import pytest
from django.urls import reverse

from stats import services

from .conftest import AS_OF

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
SMALL = "< 5"


@pytest.fixture
def figures(generated):
    services.figures_rebuild(as_of=AS_OF)


def test_the_address_is_stable():
    assert reverse("v1:stats-list") == URL


def test_alderman_gets_their_municipality_the_others_and_the_region(client, alderman, figures):
    client.force_login(alderman)
    response = client.get(URL, {"start": "2024-01", "end": "2026-06", "area": "GM0797"})
    assert response.status_code == 200
    data = response.json()
    assert data["area_name"] == "Heusden"
    # DESIGN.md section 4: the other municipalities of the region too, protected.
    names = [m["name"] for m in data["municipalities"]]
    assert names == ["Heusden", "Loon op Zand", "Waalwijk"]
    assert data["exact"] is False
    assert "jobs_since_start" in data["headlines"]
    assert len(data["months"]) == 30
    assert client.get(URL, {"area": "GM0867"}).status_code == 200
    assert client.get(URL, {"area": "GM9999"}).status_code == 404


def test_api_gives_an_alderman_figures_through_disclosure_control(client, alderman, figures):
    client.force_login(alderman)
    data = client.get(URL, {"start": "2026-06", "end": "2026-06", "area": "GM0797"}).json()
    assert data["exact"] is False
    values = [v for m in data["municipalities"] for v in m.values()]
    values += list(data["region"].values()) + list(data["headlines"].values())
    values += [v for month in data["months"] for v in month.values()]
    assert not [v for v in values if isinstance(v, int) and v % 5]
    assert SMALL in values  # one month has small numbers to hide


def test_api_gives_the_back_office_exact_figures(client, coordinator, figures):
    client.force_login(coordinator)
    data = client.get(URL, {"start": "2026-06", "end": "2026-06"}).json()
    assert data["exact"] is True
    values = [v for m in data["municipalities"] for v in m.values() if not isinstance(v, str)]
    assert SMALL not in values and [v for v in values if 0 < v < 5]


@pytest.mark.parametrize("who", ["employer_contact_a", None])
def test_employer_contacts_and_anonymous_are_refused(client, request, who, figures):
    if who:
        client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code in (401, 403)


def test_bad_period_is_a_400_with_field_errors(client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"start": "2026-05", "end": "2026-01"})
    assert response.status_code == 400
    assert "end" in response.json()
    assert client.get(URL, {"start": "mei"}).json()["start"]


def test_api_is_read_only(client, coordinator):
    client.force_login(coordinator)
    assert client.post(URL, {}).status_code == 405
