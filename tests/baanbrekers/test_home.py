import datetime

import pytest
from django.utils import timezone


def test_employer_contacts_start_in_their_portal(client, employer_contact_a):
    client.force_login(employer_contact_a)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_alderman_home_lists_the_coming_visits_they_join_with_a_briefing(client, alderman, heusden):
    from tests.employers.factories import EmployerFactory
    from tests.visits.factories import VisitFactory
    from visits.models import VisitStaff

    joined = VisitFactory(
        employer=EmployerFactory(municipality=heusden, trade_name="Bakkerij Van Gils"),
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    VisitStaff.objects.create(visit=joined, user=alderman)
    other = VisitFactory(
        employer=EmployerFactory(municipality=heusden, trade_name="Garage Om De Hoek"),
        starts_at=timezone.now() + datetime.timedelta(days=4),
    )
    client.force_login(alderman)
    html = client.get("/").content.decode()
    assert "Bakkerij Van Gils" in html
    assert f"/visits/{joined.pk}/briefing/" in html
    assert "Garage Om De Hoek" not in html  # not joined: not theirs to open
    assert other.pk


@pytest.mark.parametrize("who", ["caseworker_heusden", "coordinator", "alderman"])
def test_staff_home_without_visits_says_so(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert "U bent nog niet aangemeld voor een bezoek." in client.get("/").content.decode()
