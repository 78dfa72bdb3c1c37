"""Exports in the import layouts: without BSN unless allowed and explained, audited, and a file
that leaves comes back in unchanged."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from baanbrekers.models import AuditAction, AuditEvent
from imports import exports, services
from imports.models import ImportStatus
from tests.employers.factories import EmployerContactFactory, EmployerFactory
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_jobseekers_export_without_bsn_is_audited(world, heusden):
    person = JobSeekerFactory(municipality=heusden, bsn="111222333", skills=["koken"])
    response = exports.export_response(
        user=world["coordinator"], kind="jobseekers", file_format="csv"
    )
    rows = _csv(response)
    assert "BSN" not in rows[0] and "Voornaam" in rows[0]
    assert not any("111222333" in cell for row in rows for cell in row)
    assert rows[1][rows[0].index("Voornaam")] == person.first_name
    assert rows[1][rows[0].index("Vaardigheden")] == "koken"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["rows"] == 1 and event.detail["bsn"] is False
    assert event.detail["ids"] == [person.pk] and event.actor == world["coordinator"]


def test_bsn_only_with_a_reason_and_the_reason_is_audited(world, heusden):
    JobSeekerFactory(municipality=heusden, bsn="111222333")
    user = world["coordinator"]
    with pytest.raises(ValidationError):
        exports.export_rows(user=user, kind="jobseekers", include_bsn=True, reason="")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    rows = list(
        exports.export_rows(
            user=user,
            kind="jobseekers",
            include_bsn=True,
            reason="Overdracht naar de gemeentelijke administratie",
        )
    )
    assert rows[0][0] == "BSN" and rows[1][0] == "111222333"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["bsn"] is True and "Overdracht" in event.detail["reason"]


def test_only_coordinators_export(caseworker_heusden):
    assert not exports.may_export_bsn(caseworker_heusden)
    with pytest.raises(PermissionError):
        exports.export_rows(user=caseworker_heusden, kind="employers")


def test_an_exported_employers_file_imports_back_without_changes(world, heusden):
    employer = EmployerFactory(municipality=heusden, kvk_number="45678901", size_class="10-49")
    EmployerContactFactory(employer=employer, primary=True, phone="06 12345678")
    user = world["coordinator"]
    response = exports.export_response(user=user, kind="employers", file_format="xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    job = services.import_upload(
        user=user,
        kind="employers",
        uploaded_file=__import__("tests.imports.files", fromlist=["upload"]).upload(
            response.content, "werkgevers.xlsx"
        ),
    )
    assert all(job.mapping.values()), job.mapping  # every exported column is recognised
    job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    job = services.import_dry_run_start(user=user, job=job)
    assert job.status == ImportStatus.READY
    assert job.counts["skip"] == 1 and job.counts["error"] == 0, (
        list(job.issues.values()),
        list(job.results.values_list("fields", flat=True)),
    )
