"""A person's data for a request under AVG article 15 (issue 13): JSON and a readable PDF, for
coordinators only, audited, with what every app holds about the person and nobody else's."""

import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from baanbrekers.models import AuditEvent
from jobseekers import services
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import make_file_records

NOTE = "Wil graag in de bakkerij werken"


@pytest.fixture
def person(heusden, caseworker_heusden, bakery_heusden):
    person = JobSeekerFactory(
        first_name="Ilse", last_name="Oosterhout", municipality=heusden, consenting=True
    )
    services.note_add(jobseeker=person, text=NOTE, author=caseworker_heusden)
    make_file_records(user=caseworker_heusden, jobseeker=person, employer=bakery_heusden)
    return person


@pytest.fixture
def someone_else(heusden, caseworker_heusden, bakery_heusden):
    other = JobSeekerFactory(
        first_name="Gerrit", last_name="Zandvliet", municipality=heusden, consenting=True
    )
    services.note_add(
        jobseeker=other, text="Geheime notitie over Gerrit", author=caseworker_heusden
    )
    make_file_records(user=caseworker_heusden, jobseeker=other, employer=bakery_heusden)
    return other


def test_export_holds_the_persons_records_and_nobody_elses(
    client, coordinator, caseworker_heusden, person, someone_else
):
    client.force_login(coordinator)
    response = client.get(reverse("jobseekers:data_export", args=[person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    text = response.content.decode()
    assert data["subject"] == "Ilse Oosterhout"
    assert "Oosterhout" in data["person"].values()
    assert NOTE in text
    sections = {s["title"]: s["records"] for s in data["sections"]}
    # What the higher apps hold: visits, clicks, proposals, placements, jobs, buddy pairs.
    for title in (
        "Company visits joined",
        "Clicks at company visits",
        "Proposals to employers",
        "Development placements",
        "Check-ins during placements",
        "Evaluations",
        "Jobs",
        "Still working? (checks)",
        "Buddy pairings",
        "Buddy meetings",
        "Introductions",
        "Consents",
        "Notes",
    ):
        with translation.override(settings.LANGUAGE_CODE):  # the page's language
            assert sections[translation.gettext(title)], title
    assert "Klikt met de chef" in text and "Gaat goed" in text and "Leert snel" in text
    audit = data["sections"][-1]["records"]
    assert {row_values for row in audit for row_values in row.values()} >= {
        caseworker_heusden.email
    }
    # Nobody else's data, and no BSN.
    assert "Gerrit" not in text and "Zandvliet" not in text
    assert person.reveal_bsn() not in text and person.bsn_hash not in text
    assert data["person"]["BSN"] == person.masked_bsn


def test_export_as_pdf(client, coordinator, person):
    client.force_login(coordinator)
    response = client.get(reverse("jobseekers:data_export", args=[person.pk]), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 2000


def test_export_is_audited(client, coordinator, person):
    client.force_login(coordinator)
    client.get(reverse("jobseekers:data_export", args=[person.pk]), {"format": "pdf"})
    event = AuditEvent.objects.get(action="export", object_id=str(person.pk))
    assert event.actor == coordinator
    assert event.detail == {"avg": "article 15", "format": "pdf"}


@pytest.mark.parametrize("who", ["caseworker_heusden", "alderman", "employer_contact_a"])
def test_only_coordinators_export(client, request, person, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("jobseekers:data_export", args=[person.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_file_offers_the_export_to_coordinators_only(
    client, coordinator, caseworker_heusden, person
):
    url = reverse("jobseekers:data_export", args=[person.pk])
    client.force_login(coordinator)
    assert url in client.get(person.get_absolute_url()).content.decode()
    client.force_login(caseworker_heusden)
    assert url not in client.get(person.get_absolute_url()).content.decode()


def test_the_service_refuses_anyone_but_a_coordinator(caseworker_heusden, person):
    with pytest.raises(PermissionError):
        services.jobseeker_data_export(jobseeker=person, user=caseworker_heusden)
