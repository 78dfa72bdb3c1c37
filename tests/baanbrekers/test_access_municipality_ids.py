"""The region rule puts the user's municipality ids into the SQL as literals, read once per user
object (issue 14): with a subquery PostgreSQL misjudged each municipality's size."""

import pytest
from django.urls import reverse

from baanbrekers.models import User
from jobseekers.models import JobSeeker

pytestmark = pytest.mark.django_db


def test_a_caseworkers_scope_names_the_municipality_ids_not_a_subquery(caseworker_heusden, heusden):
    sql = str(JobSeeker.objects.visible_to(caseworker_heusden).query)
    assert f'"municipality_id" IN ({heusden.pk})' in sql
    assert "user_municipalities" not in sql


def test_the_ids_are_read_once_per_user_object(caseworker_heusden, django_assert_num_queries):
    user = User.objects.get(pk=caseworker_heusden.pk)
    with django_assert_num_queries(1):
        JobSeeker.objects.visible_to(user).query.__str__()
        JobSeeker.objects.visible_to(user).query.__str__()


def test_a_caseworker_without_municipalities_sees_nobody(caseworker_heusden, heusden_person):
    caseworker_heusden.municipalities.clear()
    assert not JobSeeker.objects.visible_to(caseworker_heusden).exists()


def test_a_change_through_the_same_user_object_is_seen_at_once(
    caseworker_heusden, waalwijk, heusden_person, waalwijk_person
):
    assert list(JobSeeker.objects.visible_to(caseworker_heusden)) == [heusden_person]
    caseworker_heusden.municipalities.add(waalwijk)
    assert set(JobSeeker.objects.visible_to(caseworker_heusden)) == {
        heusden_person,
        waalwijk_person,
    }
    caseworker_heusden.municipalities.remove(waalwijk)
    assert list(JobSeeker.objects.visible_to(caseworker_heusden)) == [heusden_person]


def test_the_next_request_sees_municipalities_changed_elsewhere(
    client, caseworker_heusden, waalwijk, heusden_person, waalwijk_person
):
    client.force_login(caseworker_heusden)
    assert "Verhoeven" not in client.get(reverse("jobseekers:list")).content.decode()
    # Changed through another object (the admin, a coordinator's request): the ids are per
    # request, so the caseworker's next page already shows the new municipality.
    User.objects.get(pk=caseworker_heusden.pk).municipalities.add(waalwijk)
    assert "Verhoeven" in client.get(reverse("jobseekers:list")).content.decode()
    api = client.get("/api/v1/jobseekers/")
    assert api.status_code == 200
    assert {row["last_name"] for row in api.json()["results"]} == {"van Dongen", "Verhoeven"}
