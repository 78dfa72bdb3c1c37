import datetime
import json

import pytest
from django.utils import timezone

from tests.employers.factories import EmployerContactFactory, EmployerFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.visits.factories import VisitFactory
from visits import services
from visits.models import Visit, VisitSignUp

URL = "/api/v1/visits/"


@pytest.fixture
def visit_with_people(visit, caseworker_heusden):
    js = JobSeekerFactory(joins_visits=True, first_name="Fenna", last_name="Voorbeeld")
    services.visit_jobseeker_sign_up(visit=visit, jobseeker=js, signed_up_by=caseworker_heusden)
    return visit


@pytest.mark.parametrize(
    ("user_fixture", "list_count", "detail_status"),
    [
        ("caseworker_heusden", 1, 200),
        ("caseworker_waalwijk", 0, 404),
        ("coordinator", 1, 200),
        ("alderman", 1, 200),
    ],
)
def test_api_visibility_per_role(
    client, request, visit_with_people, user_fixture, list_count, detail_status
):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == list_count
    assert client.get(f"{URL}{visit_with_people.pk}/").status_code == detail_status


def test_api_refuses_employer_contacts_and_anonymous(client, employer_contact_a, visit):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(employer_contact_a)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{visit.pk}/").status_code == 403


def test_api_detail_has_attendees_for_the_back_office_only(
    client, caseworker_heusden, alderman, visit_with_people
):
    client.force_login(caseworker_heusden)
    data = client.get(f"{URL}{visit_with_people.pk}/").json()
    assert {s["role"] for s in data["staff"]} == {"caseworker", "alderman"}
    assert [j["name"] for j in data["jobseekers"]] == ["Fenna V."]
    assert data["jobseeker_count"] == 1
    client.force_login(alderman)
    data = client.get(f"{URL}{visit_with_people.pk}/").json()
    assert data["jobseekers"] == [] and data["clicks"] == []
    assert data["jobseeker_count"] == 1
    assert "Fenna" not in str(data)


def test_api_list_gives_every_role_the_same_fields_in_the_same_order(
    client, caseworker_heusden, alderman, visit_with_people
):
    client.force_login(caseworker_heusden)
    back_office = client.get(URL).json()["results"][0]
    client.force_login(alderman)
    (row,) = client.get(URL).json()["results"]
    assert list(row) == list(back_office)
    assert row["jobseekers"] == [] and row["clicks"] == [] and row["jobseeker_count"] == 1
    assert row["staff"] == back_office["staff"] and row["actions"] == back_office["actions"]
    assert back_office["jobseekers"][0]["name"] == "Fenna V."


def test_api_list_query_count_is_constant(
    client, coordinator, employer, alderman, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            v = VisitFactory(employer=employer)
            v.staff.create(user=alderman)
            v.signups.create(jobseeker=JobSeekerFactory(joins_visits=True))

    client.force_login(coordinator)
    add(1)
    with django_assert_max_num_queries(20) as small:
        client.get(URL)
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).json()["count"] == 16


def test_api_plan_a_visit_and_bad_input(client, caseworker_heusden, employer, waalwijk):
    client.force_login(caseworker_heusden)
    starts = (timezone.now() + datetime.timedelta(days=5)).isoformat()
    response = client.post(
        URL,
        {"employer": employer.pk, "starts_at": starts, "purpose": "Kennismaken", "capacity": 2},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["place"].startswith("Molenstraat")
    assert [s["id"] for s in response.json()["staff"]] == [caseworker_heusden.pk]

    other = EmployerFactory(municipality=waalwijk)
    foreign_host = EmployerContactFactory()
    response = client.post(
        URL,
        {"employer": other.pk, "starts_at": "nonsense", "purpose": "", "host": foreign_host.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"employer", "starts_at", "purpose"} <= set(response.json())
    response = client.post(
        URL,
        {"employer": employer.pk, "starts_at": starts, "purpose": "x", "host": foreign_host.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "host" in response.json()
    assert Visit.objects.count() == 1


def test_api_alderman_cannot_change_a_visit(client, alderman, visit):
    client.force_login(alderman)
    response = client.patch(
        f"{URL}{visit.pk}/", {"purpose": "Anders"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_api_sign_up_consent_capacity_and_region(client, caseworker_heusden, visit, waalwijk):
    visit.capacity = 1
    visit.save()
    client.force_login(caseworker_heusden)
    url = f"{URL}{visit.pk}/jobseekers/"
    no_consent = JobSeekerFactory()
    response = client.post(url, {"jobseeker": no_consent.pk}, content_type="application/json")
    assert response.status_code == 400 and "toestemming" in str(response.json()["jobseeker"])
    outside = JobSeekerFactory(joins_visits=True, municipality=waalwijk)
    response = client.post(url, {"jobseeker": outside.pk}, content_type="application/json")
    assert response.status_code == 400
    ok = JobSeekerFactory(joins_visits=True)
    response = client.post(url, {"jobseeker": ok.pk}, content_type="application/json")
    assert response.status_code == 201
    response = client.post(
        url, {"jobseeker": JobSeekerFactory(joins_visits=True).pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "vol" in str(response.json()["jobseeker"])
    assert list(VisitSignUp.objects.values_list("jobseeker", flat=True)) == [ok.pk]
    assert client.delete(f"{url}{ok.pk}/").status_code == 204
    assert not VisitSignUp.objects.exists()


def test_api_cannot_touch_visits_of_another_region(client, caseworker_waalwijk, visit):
    client.force_login(caseworker_waalwijk)
    assert (
        client.patch(
            f"{URL}{visit.pk}/", {"purpose": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{URL}{visit.pk}/jobseekers/",
            {"jobseeker": JobSeekerFactory(joins_visits=True).pk},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_visits_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/visits/" in schema["paths"]
    assert "/api/v1/visits/{id}/jobseekers/" in schema["paths"]
    assert "VisitStatusEnum" in schema["components"]["schemas"]


@pytest.mark.parametrize("role", ["caseworker_heusden", "alderman", "coordinator"])
def test_api_list_rows_are_what_the_serializer_writes(
    client, request, role, visit_with_people, caseworker_heusden, alderman, employer
):
    """The list writes its rows in Python (visits.api.serializers.visit_row): each row is the
    detail's answer (DRF's own fields), value for value and in the same order."""
    from visits.models import Click, VisitAction, VisitStatus

    visit = visit_with_people
    person = visit.signups.get().jobseeker
    Click.objects.create(
        visit=visit, jobseeker=person, note="Wil <graag> bakken", created_by=alderman
    )
    VisitAction.objects.create(
        visit=visit, what="Bel terug", owner=caseworker_heusden, due_on=datetime.date(2027, 1, 4)
    )
    VisitAction.objects.create(
        visit=visit,
        what="Stuur de folder",
        owner=alderman,
        due_on=datetime.date(2026, 3, 29),
        done=True,
        done_at=timezone.now(),
    )
    summer = timezone.make_aware(datetime.datetime(2027, 7, 1, 9, 15))
    VisitFactory(
        employer=EmployerFactory(municipality=employer.municipality, trade_name="Café 't Hoekje"),
        starts_at=summer,
        place="",
        host=None,
        status=VisitStatus.CANCELLED,
        duration_minutes=600,
    ).staff.create(user=alderman)
    dst = VisitFactory(
        employer=employer,
        starts_at=datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC),  # the DST night
        host=EmployerContactFactory(employer=employer),
        status=VisitStatus.HELD,
    )
    dst.staff.create(user=caseworker_heusden)
    dst.staff.create(user=alderman)
    client.force_login(request.getfixturevalue(role))
    rows = client.get(URL).json()["results"]
    assert len(rows) == 3
    for row in rows:
        detail = client.get(f"{URL}{row['id']}/").json()
        assert json.dumps(row) == json.dumps(detail)
    assert any(row["actions"] and row["staff"] for row in rows)
    if role != "alderman":
        assert any(row["clicks"] and row["jobseekers"] for row in rows)
