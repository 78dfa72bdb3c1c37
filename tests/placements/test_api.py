"""The pipeline API: same scoping as the pages, 400 with field errors, forbidden steps refused."""

import pytest
from django.utils import timezone

from placements.models import DevelopmentPlacement, Proposal
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db

RESOURCES = {
    "proposals": "proposal",
    "placements": "placement",
    "jobs": "job",
    "buddies": "buddy",
}


def ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", RESOURCES)
def test_caseworker_lists_and_reads_only_own_municipality(
    client, caseworker_heusden, records, resource
):
    client.force_login(caseworker_heusden)
    own = records["heusden"][RESOURCES[resource]].pk
    other = records["waalwijk"][RESOURCES[resource]].pk
    listed = client.get(f"/api/v1/{resource}/")
    assert listed.status_code == 200 and ids(listed) == {own}
    assert client.get(f"/api/v1/{resource}/{own}/").status_code == 200
    assert client.get(f"/api/v1/{resource}/{other}/").status_code == 404
    assert client.get(f"/api/v1/{resource}/999999/").status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_coordinator_lists_all(client, coordinator, records, resource):
    client.force_login(coordinator)
    assert len(ids(client.get(f"/api/v1/{resource}/"))) == 2


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_aldermen_and_employer_contacts_are_refused(client, request, records, who, resource):
    client.force_login(request.getfixturevalue(who))
    pk = records["heusden"][RESOURCES[resource]].pk
    assert client.get(f"/api/v1/{resource}/").status_code == 403
    assert client.get(f"/api/v1/{resource}/{pk}/").status_code == 403


def test_anonymous_is_refused(client, records):
    assert client.get("/api/v1/proposals/").status_code in (401, 403)


def test_proposal_for_someone_out_of_scope_is_a_field_error(
    client, caseworker_waalwijk, heusden_person, workshop
):
    client.force_login(caseworker_waalwijk)
    response = client.post(
        "/api/v1/proposals/",
        {"jobseeker": heusden_person.pk, "opening": workshop.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "jobseeker" in response.json()
    assert not Proposal.objects.exists()


def test_answer_without_reason_is_400_with_the_field(client, coordinator, records):
    client.force_login(coordinator)
    pk = records["heusden"]["proposal"].pk
    response = client.post(
        f"/api/v1/proposals/{pk}/answer/", {"answer": "not_now"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "Geef een reden" in response.json()["reason"][0]


def test_transitions_through_the_api(client, coordinator, heusden_person, workshop):
    from placements.services import default_planned_end

    client.force_login(coordinator)
    # A new placement starts at most LEAD_PLACEMENT_BACKDATE_DAYS ago (the limits table).
    start = timezone.localdate()
    response = client.post(
        "/api/v1/placements/",
        {
            "jobseeker": heusden_person.pk,
            "employer": workshop.employer_id,
            "opening": workshop.pk,
            "start_date": start.isoformat(),
            "hours_per_week": 24,
            "learning_goals": "Lassen leren",
            "insurance_arranged": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["planned_end_date"] == default_planned_end(start).isoformat()
    refused = client.post(
        f"/api/v1/placements/{pk}/transition/", {"action": "start"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert (
        "Alleen een afgesproken ontwikkelplek kan starten" in refused.json()["non_field_errors"][0]
    )
    # The same table tells the client what it may do next.
    assert client.get(f"/api/v1/placements/{pk}/").json()["allowed_actions"] == [
        "confirm_no_displacement",
        "edit",
        "end_early",
    ]
    for step in (
        {"action": "confirm_no_displacement", "note": "Extra plek"},
        {"action": "agree"},
        {"action": "start"},
    ):
        assert (
            client.post(
                f"/api/v1/placements/{pk}/transition/", step, content_type="application/json"
            ).status_code
            == 200
        )
    assert DevelopmentPlacement.objects.get(pk=pk).status == "active"


def test_match_endpoint_explains(client, coordinator, heusden_person, workshop):
    client.force_login(coordinator)
    [row] = client.get(f"/api/v1/matches/openings/{workshop.pk}/").json()
    assert row["jobseeker"] == heusden_person.pk
    assert "(hobby) → techniek" in row["explanation"] and row["gap"] == ["lassen"]


def test_match_endpoint_respects_scope(client, caseworker_heusden, alderman, workshop):
    client.force_login(caseworker_heusden)
    assert client.get(f"/api/v1/matches/openings/{workshop.pk}/").status_code == 404
    client.force_login(alderman)
    assert client.get(f"/api/v1/matches/openings/{workshop.pk}/").status_code == 403


def test_api_never_includes_bsn_or_benefit(client, coordinator, records):
    client.force_login(coordinator)
    body = (
        client.get("/api/v1/proposals/").content.decode()
        + client.get("/api/v1/placements/").content.decode()
    )
    for word in ("bsn", "benefit_type", "limitations"):
        assert word not in body


def test_anonymised_profile_has_no_protected_data(records):
    from placements.selectors import anonymised_profile

    person = records["heusden"]["proposal"].jobseeker
    person.limitations = "Rugklachten"
    profile = anonymised_profile(person)
    assert profile["display_name"] == "Ricardo v."
    assert set(profile) == {
        "display_name",
        "skills",
        "interests",
        "hours_available",
        "area",
        "education_level",
        "dutch_level",
        "has_driving_licence",
    }
    assert "Rugklachten" not in str(profile) and person.reveal_bsn() not in str(profile)


def test_employer_contact_sees_only_own_company_in_visible_to(
    employer_contact_a, employer_contact_b, records, workshop
):
    from employers.models import EmployerContact
    from placements.models import DevelopmentPlacement, Proposal

    EmployerContact.objects.create(employer=workshop.employer, name="Eva", user=employer_contact_a)
    assert Proposal.objects.visible_to(employer_contact_a).count() == 2
    assert DevelopmentPlacement.objects.visible_to(employer_contact_a).count() == 2
    assert Proposal.objects.visible_to(employer_contact_b).count() == 0
    assert DevelopmentPlacement.objects.visible_to(employer_contact_b).count() == 0


def test_placement_list_uses_constant_queries(client, coordinator, django_assert_max_num_queries):
    make_placement(user=coordinator)
    client.force_login(coordinator)
    client.get("/api/v1/placements/")
    with django_assert_max_num_queries(9):
        client.get("/api/v1/placements/")
    for _ in range(5):
        make_placement(user=coordinator)
    with django_assert_max_num_queries(9):
        assert len(client.get("/api/v1/placements/").json()["results"]) == 6


def test_supervisor_of_an_employer_out_of_scope_is_refused_like_a_missing_id(
    client, caseworker_heusden, heusden_person, heusden, waalwijk
):
    from tests.employers.factories import EmployerContactFactory, EmployerFactory

    own = EmployerFactory(municipality=heusden, postcode="5251 CD")
    elsewhere = EmployerContactFactory(employer=EmployerFactory(municipality=waalwijk))
    client.force_login(caseworker_heusden)
    payload = {
        "jobseeker": heusden_person.pk,
        "employer": own.pk,
        "start_date": "2026-01-05",
        "hours_per_week": 24,
        "learning_goals": "Vakkenvullen",
        "insurance_arranged": True,
    }
    foreign = client.post(
        "/api/v1/placements/",
        {**payload, "supervisor": elsewhere.pk},
        content_type="application/json",
    )
    missing = client.post(
        "/api/v1/placements/",
        {**payload, "supervisor": 987654321},
        content_type="application/json",
    )
    assert foreign.status_code == missing.status_code == 400
    # The same answer for a contact elsewhere as for one that does not exist: nothing to probe.
    assert foreign.json()["supervisor"] == [
        m.replace("987654321", str(elsewhere.pk)) for m in missing.json()["supervisor"]
    ]
