"""Bulk reads are audited (issue 13): each page of a job-seeker list, on the page, in the API
and in the admin, writes one audit event with the ids it showed."""

import pytest
from django.urls import reverse

from baanbrekers.models import AuditEvent
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/jobseekers/"


def _list_events(user):
    return list(
        AuditEvent.objects.filter(
            actor=user, action="view", object_type="jobseekers.JobSeeker", object_id=""
        ).order_by("id")
    )


def test_the_list_page_records_which_people_were_shown(
    client, caseworker_heusden, heusden_person, waalwijk_person
):
    client.force_login(caseworker_heusden)
    assert client.get(reverse("jobseekers:list")).status_code == 200
    (event,) = _list_events(caseworker_heusden)
    assert event.detail == {"list": "page", "ids": [heusden_person.pk], "page": "1"}


def test_each_page_of_the_list_is_one_event(client, caseworker_heusden, heusden):
    people = JobSeekerFactory.create_batch(30, municipality=heusden)
    client.force_login(caseworker_heusden)
    client.get(reverse("jobseekers:list"), {"page": 1})
    client.get(reverse("jobseekers:list"), {"page": 2})
    first, second = _list_events(caseworker_heusden)
    assert (first.detail["page"], second.detail["page"]) == ("1", "2")
    assert sorted(first.detail["ids"] + second.detail["ids"]) == sorted(p.pk for p in people)


def test_an_empty_list_records_nothing(client, caseworker_heusden, waalwijk_person):
    client.force_login(caseworker_heusden)
    client.get(reverse("jobseekers:list"))
    client.get(API)
    assert not _list_events(caseworker_heusden)


def test_the_api_list_records_which_people_were_returned(
    client, caseworker_heusden, heusden_person
):
    client.force_login(caseworker_heusden)
    body = client.get(API).json()
    (event,) = _list_events(caseworker_heusden)
    assert event.detail == {"list": "api", "ids": [r["id"] for r in body["results"]], "page": "1"}
    assert event.detail["ids"] == [heusden_person.pk]


def test_the_admin_change_list_records_which_people_were_shown(
    client, coordinator, heusden_person, waalwijk_person
):
    client.force_login(coordinator)
    assert client.get("/admin/jobseekers/jobseeker/").status_code == 200
    (event,) = _list_events(coordinator)
    assert event.detail["list"] == "admin"
    assert sorted(event.detail["ids"]) == sorted([heusden_person.pk, waalwijk_person.pk])


def test_the_admin_notes_list_and_a_note_are_audited(client, coordinator, heusden_person):
    note = heusden_person.notes.create(text="Gebeld over de proefplaatsing", author=coordinator)
    client.force_login(coordinator)
    assert client.get("/admin/jobseekers/jobseekernote/").status_code == 200
    assert client.get(f"/admin/jobseekers/jobseekernote/{note.pk}/change/").status_code == 200
    events = AuditEvent.objects.filter(actor=coordinator, object_type="jobseekers.JobSeekerNote")
    assert sorted((e.object_id, e.detail.get("list", "")) for e in events) == [
        ("", "admin"),
        (str(note.pk), ""),
    ]
