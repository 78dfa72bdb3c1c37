import datetime
import logging

import pytest

from baanbrekers.models import AuditEvent
from jobseekers.models import JobSeeker
from tests.baanbrekers.factories import api_token
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/jobseekers/"


def payload(municipality, **changes):
    data = {
        "first_name": "Noor",
        "last_name": "de Wit",
        "bsn": "123456782",
        "birth_date": "1992-03-04",
        "postcode": "5251ab",
        "municipality": municipality.pk,
        "ladder_step": 3,
        "skills": ["koken"],
        "interests": ["Sleutelen aan brommers"],
    }
    data.update(changes)
    return data


def test_list_is_scoped_and_masked(client, caseworker_heusden, heusden_person, waalwijk_person):
    client.force_login(caseworker_heusden)
    body = client.get(API).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["bsn_masked"] == "*****2333"
    assert "bsn" not in row
    assert row["skills"] == ["koken"]
    assert row["interests"] == ["sleutelen aan brommers"]
    assert "111222333" not in str(body)


def test_list_filters_like_the_pages(client, coordinator, heusden, heusden_person, waalwijk_person):
    client.force_login(coordinator)
    assert client.get(API).json()["count"] == 2
    assert [r["id"] for r in client.get(API, {"skill": "Koken"}).json()["results"]] == [
        heusden_person.pk
    ]
    assert [r["id"] for r in client.get(API, {"q": "verhoeven"}).json()["results"]] == [
        waalwijk_person.pk
    ]
    assert client.get(API, {"municipality": heusden.pk}).json()["count"] == 1
    assert client.get(API, {"ladder_step": 6}).json()["count"] == 0


def test_a_bsn_in_the_query_string_is_refused(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    response = client.get(API, {"q": "111222333"})
    assert response.status_code == 400
    assert "q" in response.json()


def test_detail_is_masked_and_logged(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    body = client.get(f"{API}{heusden_person.pk}/").json()
    assert body["bsn_masked"] == "*****2333"
    assert "bsn" not in body
    assert "111222333" not in str(body)
    assert AuditEvent.objects.get().action == "view"


def test_reveal_bsn_is_a_logged_post(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    url = f"{API}{heusden_person.pk}/reveal-bsn/"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.json() == {"bsn": "111222333"}
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="reveal", actor=caseworker_heusden).count() == 1


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a", "employer_contact_b"])
def test_aldermen_and_employers_get_403_and_no_data(client, request, who, heusden_person):
    user = request.getfixturevalue(who)
    token = api_token(user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    for response in (
        client.get(API, **auth),
        client.get(f"{API}{heusden_person.pk}/", **auth),
        client.post(f"{API}{heusden_person.pk}/reveal-bsn/", **auth),
        client.get(f"{API}{heusden_person.pk}/notes/", **auth),
    ):
        assert response.status_code == 403
        assert "van Dongen" not in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_guessed_ids_are_404_for_another_municipality(client, caseworker_waalwijk, heusden_person):
    client.force_login(caseworker_waalwijk)
    pk = heusden_person.pk
    assert client.get(f"{API}{pk}/").status_code == 404
    assert client.post(f"{API}{pk}/reveal-bsn/").status_code == 404
    assert client.patch(f"{API}{pk}/", {"ladder_step": 6}, "application/json").status_code == 404
    assert client.get(f"{API}{pk}/consents/").status_code == 404
    assert client.post(f"{API}{pk}/notes/", {"text": "x"}, "application/json").status_code == 404
    assert client.get(f"{API}987654/").status_code == 404
    heusden_person.refresh_from_db()
    assert heusden_person.ladder_step == 3
    assert not AuditEvent.objects.exists()


def test_anonymous_gets_no_data(client, heusden_person):
    assert client.get(API).status_code in (401, 403)


def test_create_returns_the_masked_file(client, caseworker_heusden, heusden):
    client.force_login(caseworker_heusden)
    response = client.post(API, payload(heusden), "application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["bsn_masked"] == "*****6782"
    assert "123456782" not in str(body)
    assert body["postcode"] == "5251 AB"
    # Words the base vocabulary knows are stored as its concept, named the vocabulary's way.
    assert [name.lower() for name in body["interests"]] == ["sleutelen aan brommers"]
    person = JobSeeker.objects.get()
    assert person.reveal_bsn() == "123456782"
    assert AuditEvent.objects.get().action == "create"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bsn": "123456789"}, "bsn"),
        ({"bsn": "12"}, "bsn"),
        ({"bsn": ""}, "bsn"),
        ({"postcode": "ABCD 12"}, "postcode"),
        ({"ladder_step": 7}, "ladder_step"),
        ({"ladder_step": 0}, "ladder_step"),
        # The limits table (baanbrekers/limits.py): the same rules as the page.
        ({"hours_available": 61}, "hours_available"),
        ({"hours_available": 0}, "hours_available"),
        ({"phone": "06-1234"}, "phone"),
        ({"postcode": "1011 AB"}, "postcode"),
        ({"experience": "x" * 5001}, "experience"),
    ],
)
def test_create_with_bad_input_is_400_with_field_errors_and_saves_nothing(
    client, caseworker_heusden, heusden, caplog, changes, field
):
    client.force_login(caseworker_heusden)
    with caplog.at_level(logging.DEBUG):
        response = client.post(API, payload(heusden, **changes), "application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not JobSeeker.objects.exists()
    assert "123456789" not in caplog.text
    assert "123456789" not in response.content.decode()


def test_create_with_a_known_bsn_is_400_without_saying_who(
    client, caseworker_waalwijk, waalwijk, heusden_person
):
    client.force_login(caseworker_waalwijk)
    response = client.post(API, payload(waalwijk, bsn="111222333"), "application/json")
    assert response.status_code == 400
    assert "bsn" in response.json()
    assert "van Dongen" not in response.content.decode()


def test_create_in_another_municipality_is_refused(client, caseworker_heusden, waalwijk):
    client.force_login(caseworker_heusden)
    response = client.post(API, payload(waalwijk), "application/json")
    assert response.status_code == 400
    assert "municipality" in response.json()
    assert not JobSeeker.objects.exists()


def test_update_keeps_the_bsn_and_grows_the_vocabulary(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    response = client.patch(
        f"{API}{heusden_person.pk}/",
        {"ladder_step": 4, "skills": ["koken", "Lassen"]},
        "application/json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(name.lower() for name in response.json()["skills"]) == ["koken", "lassen"]
    heusden_person.refresh_from_db()
    assert heusden_person.ladder_step == 4
    assert heusden_person.reveal_bsn() == "111222333"
    event = AuditEvent.objects.get(action="update")
    assert event.detail == {"fields": ["ladder_step", "skills"]}


def test_the_api_shows_the_status_but_does_not_set_it(client, caseworker_heusden, heusden_person):
    """Issue 11: the status follows from placements and jobs (and by hand from the file's status
    events, audited); a PATCH cannot set it past them."""
    client.force_login(caseworker_heusden)
    response = client.patch(
        f"{API}{heusden_person.pk}/",
        {"status": "working", "left_on": "2026-01-01"},
        "application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    heusden_person.refresh_from_db()
    assert heusden_person.status == "active" and heusden_person.left_on is None


def test_nested_consents_and_notes(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    today = datetime.date.today()
    base = f"{API}{heusden_person.pk}"
    bad = client.post(
        f"{base}/consents/",
        {"kind": "share_profile", "given_on": str(today), "valid_until": "2000-01-01"},
        "application/json",
    )
    assert bad.status_code == 400
    created = client.post(
        f"{base}/consents/",
        {
            "kind": "share_profile",
            "given_on": str(today),
            "valid_until": str(today + datetime.timedelta(days=30)),
        },
        "application/json",
    )
    assert created.status_code == 201
    assert created.json()["is_valid_today"] is True
    consent_id = created.json()["id"]
    withdrawn = client.post(f"{base}/consents/{consent_id}/withdraw/")
    assert withdrawn.json()["withdrawn_on"] == str(today)
    assert client.get(f"{base}/consents/").json()[0]["is_valid_today"] is False
    note = client.post(f"{base}/notes/", {"text": "Gebeld"}, "application/json")
    assert note.status_code == 201
    assert [n["text"] for n in client.get(f"{base}/notes/").json()] == ["Gebeld"]


def test_reading_a_persons_notes_or_consents_is_logged_as_a_view(
    client, caseworker_heusden, heusden_person
):
    client.force_login(caseworker_heusden)
    base = f"{API}{heusden_person.pk}"
    assert client.get(f"{base}/notes/").status_code == 200
    assert client.get(f"{base}/consents/").status_code == 200
    events = AuditEvent.objects.filter(action="view", actor=caseworker_heusden)
    assert list(events.values_list("object_id", flat=True)) == [str(heusden_person.pk)] * 2


def test_consent_of_another_person_cannot_be_withdrawn(client, caseworker_heusden, heusden):
    a = JobSeekerFactory(municipality=heusden)
    b = JobSeekerFactory(municipality=heusden)
    consent = b.consents.create(
        kind="share_profile",
        given_on=datetime.date.today(),
        valid_until=datetime.date.today() + datetime.timedelta(days=3),
    )
    client.force_login(caseworker_heusden)
    assert client.post(f"{API}{a.pk}/consents/{consent.pk}/withdraw/").status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


@pytest.mark.parametrize("rows", [2, 25])
def test_api_list_query_count_is_constant(
    client, coordinator, heusden, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        JobSeekerFactory(municipality=heusden, skills=["koken"], interests=["voetbal"])
    client.force_login(coordinator)
    client.get("/api/v1/me/")
    # session and authentication bookkeeping (7), then count, rows, skills, interests, and the
    # page's one audit event (issue 13)
    with django_assert_max_num_queries(12):
        assert client.get(API).json()["count"] == rows


def test_jobseekers_are_documented_in_the_openapi_schema(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert "/api/v1/jobseekers/" in paths
    assert "/api/v1/jobseekers/{id}/reveal-bsn/" in paths
    assert "/api/v1/jobseekers/{id}/consents/" in paths
    assert "/api/v1/jobseekers/{id}/notes/" in paths
    params = {p["name"] for p in paths["/api/v1/jobseekers/"]["get"]["parameters"]}
    assert {"q", "skill", "municipality", "ladder_step", "status", "caseworker"} <= params
