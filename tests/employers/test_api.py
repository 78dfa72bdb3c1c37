import pytest

from employers.models import ContactMoment, Employer, EmployerContact, Opening
from tests.baanbrekers.factories import api_token

from .factories import ContactMomentFactory, EmployerContactFactory, OpeningFactory

API = "/api/v1/employers/"


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Scoping ------------------------------------------------------------------------------


def test_anonymous_gets_401_or_403(client, bakery_heusden):
    assert client.get(API).status_code in (401, 403)
    assert client.get(f"{API}{bakery_heusden.pk}/").status_code in (401, 403)
    assert client.get(f"{API}{bakery_heusden.pk}/openings/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("caseworker_heusden", {"bakery"}),
        ("caseworker_waalwijk", {"metal"}),
        ("coordinator", {"bakery", "metal"}),
        ("employer_contact_a", {"bakery"}),
        ("employer_contact_b", {"metal"}),
    ],
)
def test_list_and_detail_follow_the_scoping(
    client,
    request,
    who,
    sees,
    bakery_heusden,
    metal_waalwijk,
    contact_a_at_bakery,
    contact_b_at_metal,
):
    employers = {"bakery": bakery_heusden, "metal": metal_waalwijk}
    client.force_login(request.getfixturevalue(who))
    assert _ids(client.get(API)) == {employers[name].pk for name in sees}
    for name, employer in employers.items():
        expected = 200 if name in sees else 404
        assert client.get(f"{API}{employer.pk}/").status_code == expected
        assert client.get(f"{API}{employer.pk}/openings/").status_code == expected
        assert client.get(f"{API}{employer.pk}/contacts/").status_code == expected


def test_aldermen_are_refused_by_the_employers_api(client, alderman, bakery_heusden):
    """DESIGN.md section 4: aldermen see figures, not the employers' files: 403, not an empty
    list or a 404 that looks like "no such employer"."""
    client.force_login(alderman)
    for url in (
        API,
        f"{API}{bakery_heusden.pk}/",
        f"{API}{bakery_heusden.pk}/openings/",
        f"{API}{bakery_heusden.pk}/contacts/",
        f"{API}{bakery_heusden.pk}/notes/",
    ):
        assert client.get(url).status_code == 403, url


def test_guessed_ids_are_404(client, caseworker_waalwijk, bakery_heusden):
    opening = OpeningFactory(employer=bakery_heusden)
    client.force_login(caseworker_waalwijk)
    assert client.get(f"{API}999999/").status_code == 404
    assert (
        client.patch(
            f"{API}{bakery_heusden.pk}/", {"trade_name": "Gekaapt"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{API}{bakery_heusden.pk}/notes/",
            {"kind": "phone", "summary": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"{API}{bakery_heusden.pk}/openings/{opening.pk}/").status_code == 404
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.trade_name == "Bakkerij De Korenschoof"
    assert not ContactMoment.objects.exists()


def test_a_child_id_under_another_employer_is_404(
    client, coordinator, bakery_heusden, metal_waalwijk
):
    opening = OpeningFactory(employer=metal_waalwijk)
    client.force_login(coordinator)
    assert client.get(f"{API}{bakery_heusden.pk}/openings/{opening.pk}/").status_code == 404
    assert client.get(f"{API}{metal_waalwijk.pk}/openings/{opening.pk}/").status_code == 200


def test_token_authentication_applies_the_same_scoping(
    client, employer_contact_a, bakery_heusden, metal_waalwijk, contact_a_at_bakery
):
    token = api_token(employer_contact_a)
    response = client.get(API, HTTP_AUTHORIZATION=f"Token {token}")
    assert _ids(response) == {bakery_heusden.pk}


# --- Employer contacts: their own company, and its story ---------------------------------------


def test_employer_contact_reads_own_company_but_not_the_internal_timeline(
    client, employer_contact_a, bakery_heusden, contact_a_at_bakery
):
    ContactMomentFactory(employer=bakery_heusden, summary="Intern: eigenaar lastig bereikbaar")
    client.force_login(employer_contact_a)
    assert client.get(f"{API}{bakery_heusden.pk}/notes/").status_code == 403
    names = [c["name"] for c in client.get(f"{API}{bakery_heusden.pk}/contacts/").json()]
    assert names == ["Eva"]


def test_employer_contact_may_change_the_story_only(
    client, employer_contact_a, bakery_heusden, metal_waalwijk, contact_a_at_bakery
):
    client.force_login(employer_contact_a)
    response = client.patch(
        f"{API}{bakery_heusden.pk}/",
        {
            "story_passion": "Brood zoals opa het bakte.",
            "kvk_number": "99999999",
            "status": "dormant",
            "valued_skills": ["Vroeg op"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.story_passion == "Brood zoals opa het bakte."
    assert bakery_heusden.kvk_number == "11111111"
    assert bakery_heusden.status == "active"
    assert [s.name for s in bakery_heusden.valued_skills.all()] == ["Vroeg op"]
    # Another company's story is out of reach, and so is registering companies or openings.
    assert (
        client.patch(
            f"{API}{metal_waalwijk.pk}/", {"story_passion": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.post(API, {}, content_type="application/json").status_code == 403
    assert (
        client.post(
            f"{API}{bakery_heusden.pk}/openings/",
            {"kind": "vacancy", "title": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_a_story_changed_through_the_api_leaves_the_same_timeline_line_as_the_portal(
    client, employer_contact_a, bakery_heusden, contact_a_at_bakery
):
    client.force_login(employer_contact_a)
    response = client.patch(
        f"{API}{bakery_heusden.pk}/",
        {"story_passion": "Brood zoals opa het bakte.", "valued_skills": ["Vroeg op"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200, response.content
    moment = ContactMoment.objects.get(employer=bakery_heusden)
    assert moment.author == employer_contact_a and moment.kind == "other"
    # In the office language, naming what changed, whatever language the API was called in.
    assert moment.summary.startswith("Bijgewerkt in het portaal: ")
    assert moment.summary.startswith("Bijgewerkt in het portaal: passie, ")
    # Nothing changed, nothing to tell.
    client.patch(
        f"{API}{bakery_heusden.pk}/",
        {"story_passion": "Brood zoals opa het bakte."},
        content_type="application/json",
    )
    assert ContactMoment.objects.filter(employer=bakery_heusden).count() == 1


def test_service_errors_reach_the_api_as_field_errors(
    client, caseworker_heusden, bakery_heusden, caseworker_waalwijk
):
    """The relationship owner rule lives in employers.services; the API's exception handler
    turns its ValidationError into a 400 naming the field."""
    client.force_login(caseworker_heusden)
    response = client.patch(
        f"{API}{bakery_heusden.pk}/",
        {"relationship_owner": caseworker_waalwijk.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["relationship_owner"]


# --- Validation ------------------------------------------------------------------------------

NEW_EMPLOYER = {
    "kvk_number": "87654321",
    "trade_name": "Schoenmakerij Van Tilburg",
    "postcode": "5141ab",
    "status": "prospect",
    "story_what": "Maatschoenen en reparatie.",
    "valued_skills": ["Precisie", "Geduld"],
}


def test_create_normalises_and_answers_with_the_employer(client, caseworker_waalwijk, waalwijk):
    client.force_login(caseworker_waalwijk)
    response = client.post(
        API, {**NEW_EMPLOYER, "municipality": waalwijk.pk}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["postcode"] == "5141 AB"
    assert sorted(name.lower() for name in body["valued_skills"]) == ["geduld", "precisie"]
    assert body["open_openings"] == 0
    assert Employer.objects.get().relationship_owner == caseworker_waalwijk


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kvk_number", "1234", "precies 8 cijfers"),
        ("kvk_number", "11111111", "al een werkgever met dit KvK-nummer"),
        ("postcode", "5141", "vier cijfers en twee letters"),
        ("postcode", "5141 SD", "SA, SD of SS"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_nothing_saved(
    client, caseworker_heusden, heusden, bakery_heusden, field, value, message
):
    client.force_login(caseworker_heusden)
    response = client.post(
        API,
        {**NEW_EMPLOYER, "municipality": heusden.pk, field: value},
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert Employer.objects.count() == 1


def test_caseworker_cannot_create_in_another_municipality(client, caseworker_heusden, waalwijk):
    client.force_login(caseworker_heusden)
    response = client.post(
        API, {**NEW_EMPLOYER, "municipality": waalwijk.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "municipality" in response.json()
    assert not Employer.objects.exists()


def test_update_with_bad_postcode_keeps_the_record(client, caseworker_heusden, bakery_heusden):
    client.force_login(caseworker_heusden)
    response = client.patch(
        f"{API}{bakery_heusden.pk}/", {"postcode": "12"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "postcode" in response.json()
    bakery_heusden.refresh_from_db()
    assert bakery_heusden.postcode == "5251 AB"


def test_unknown_filter_value_is_a_400(client, caseworker_heusden):
    client.force_login(caseworker_heusden)
    response = client.get(f"{API}?status=bankrupt")
    assert response.status_code == 400
    assert "status" in response.json()


# --- Filters and nested resources --------------------------------------------------------------


def test_api_list_filters_like_the_page(client, coordinator, bakery_heusden, metal_waalwijk):
    opening = OpeningFactory(employer=metal_waalwijk)
    from baanbrekers.services import skills_from_names

    opening.competences.set(skills_from_names(["Lassen"]))
    client.force_login(coordinator)
    assert _ids(client.get(f"{API}?q=korenschoof")) == {bakery_heusden.pk}
    assert _ids(client.get(f"{API}?skill=lassen")) == {metal_waalwijk.pk}
    assert _ids(client.get(f"{API}?municipality={metal_waalwijk.municipality_id}")) == {
        metal_waalwijk.pk
    }
    rows = client.get(f"{API}?ordering=-name").json()["results"]
    assert [r["trade_name"] for r in rows] == [
        "Metaalwerkplaats Van Dongen",
        "Bakkerij De Korenschoof",
    ]
    assert rows[0]["open_openings"] == 1


def test_notes_contacts_and_openings_are_written_through_the_services(
    client, caseworker_heusden, bakery_heusden
):
    client.force_login(caseworker_heusden)
    base = f"{API}{bakery_heusden.pk}"
    note = client.post(
        f"{base}/notes/",
        {"kind": "phone", "summary": "Gebeld over de zomer"},
        content_type="application/json",
    )
    assert note.status_code == 201, note.content
    assert note.json()["author"] == str(caseworker_heusden)
    assert client.get(f"{base}/notes/").json()["results"][0]["summary"] == "Gebeld over de zomer"

    contact = client.post(
        f"{base}/contacts/",
        {"name": "Ans Verhoeven", "email": "geen-adres"},
        content_type="application/json",
    )
    assert contact.status_code == 400 and "email" in contact.json()
    contact = client.post(
        f"{base}/contacts/",
        {"name": "Ans Verhoeven", "email": "ans@example.org"},
        content_type="application/json",
    )
    assert contact.status_code == 201
    assert EmployerContact.objects.get().employer == bakery_heusden

    bad = client.post(
        f"{base}/openings/",
        {
            "kind": "placement",
            "title": "Ontwikkelplek",
            "start_date": "2026-03-01",
            "end_date": "2026-01-01",
            "location_postcode": "xx",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "vier cijfers en twee letters" in bad.json()["location_postcode"][0]
    assert not Opening.objects.exists()
    opening = client.post(
        f"{base}/openings/",
        {
            "kind": "placement",
            "title": "Ontwikkelplek",
            "competences": ["Deeg kneden"],
            "location_postcode": "5251ab",
        },
        content_type="application/json",
    )
    assert opening.status_code == 201, opening.content
    assert opening.json()["location_postcode"] == "5251 AB"
    closed = client.patch(
        f"{base}/openings/{opening.json()['id']}/",
        {"status": "filled"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "filled"


def test_employer_contacts_list_shows_colleagues(
    client, employer_contact_a, bakery_heusden, contact_a_at_bakery
):
    EmployerContactFactory(employer=bakery_heusden, name="Collega Henk")
    client.force_login(employer_contact_a)
    names = {c["name"] for c in client.get(f"{API}{bakery_heusden.pk}/contacts/").json()}
    assert names == {"Eva", "Collega Henk"}


@pytest.mark.django_db
def test_schema_documents_the_employer_routes_without_warnings(client):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    for path in [
        "/api/v1/employers/",
        "/api/v1/employers/{id}/",
        "/api/v1/employers/{employer_pk}/contacts/",
        "/api/v1/employers/{employer_pk}/notes/",
        "/api/v1/employers/{employer_pk}/openings/{id}/",
    ]:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/employers/"]["get"]["parameters"]}
    assert {"q", "municipality", "status", "sector", "owner", "skill", "ordering"} <= params
    assert not GENERATOR_STATS._error_cache
    assert not [w for w in GENERATOR_STATS._warn_cache if "employer" in w.lower()]


def test_api_list_query_count_does_not_grow_with_rows(client, coordinator, heusden):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from baanbrekers.services import skills_from_names

    from .factories import EmployerFactory

    client.force_login(coordinator)

    def queries(extra: int) -> int:
        for _ in range(extra):
            employer = EmployerFactory(municipality=heusden)
            employer.valued_skills.set(skills_from_names(["Teamwerk"]))
            OpeningFactory(employer=employer)
        client.get(API)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API).status_code == 200
        return len(
            [q for q in ctx.captured_queries if "session" not in q["sql"].split(" WHERE ")[0]]
        )

    assert queries(2) == queries(25)
