"""The coordinator's import and export pages (issue 16): who may use them, what the mapping,
preview, progress and report pages show (never a clear BSN), and the audited export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from baanbrekers.models import AuditAction, AuditEvent
from employers.models import Employer
from imports import exports
from imports.models import (
    ImportJob,
    ImportKind,
    ImportRowIssue,
    ImportRowResult,
    ImportStatus,
    IssueLevel,
    RowAction,
)
from jobseekers.demo import synthetic_bsn
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

VALID_BSN = synthetic_bsn(900_001)
INVALID_BSN = "123456789"  # fails the eleven-test


def csv_file(rows, *, name="bestand.csv", encoding="utf-8-sig", delimiter=";"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


EMPLOYER_ROWS = [
    ["KvK-nummer", "Firma", "Postcode", "Plaats"],
    ["12345678", "Bakkerij Smulders", "5251 AB", "Vlijmen"],
    ["23456789", "Café De Zwaan", "5171 AB", "Kaatsheuvel"],
]

JOBSEEKER_ROWS = [
    ["BSN", "Voornaam", "Achternaam", "Geboortedatum", "Postcode"],
    [VALID_BSN, "Anouk", "Verbeek", "12-03-1990", "5251 AB"],
    [INVALID_BSN, "Daan", "Kuipers", "01-07-1985", "5171 AB"],
]


SKIP_LABEL = "Rijen met fouten overslaan en de rest importeren"


def client_for(client, user):
    client.force_login(user)
    return client


def upload(client, rows, kind, **kwargs):
    return client.post(reverse("imports:new"), {"kind": kind, "file": csv_file(rows, **kwargs)})


def job_with_results(coordinator, **extra) -> ImportJob:
    """A checked import of job seekers: one row to create (masked label), one with an error."""
    job = ImportJob.objects.create(
        kind=ImportKind.JOBSEEKERS,
        status=ImportStatus.READY,
        filename="klanten.xlsx",
        file_format="xlsx",
        headers=JOBSEEKER_ROWS[0],
        total_rows=2,
        processed_rows=2,
        counts={"create": 1, "update": 0, "skip": 0, "error": 1},
        created_by=coordinator,
        **extra,
    )
    ImportRowResult.objects.create(
        job=job, row_number=2, action=RowAction.CREATE, label="Anouk Verbeek"
    )
    ImportRowResult.objects.create(job=job, row_number=3, action=RowAction.ERROR, label="Daan K.")
    ImportRowIssue.objects.create(
        job=job,
        row_number=3,
        column="BSN",
        field="bsn",
        message="Dit BSN voldoet niet aan de elfproef.",
        level=IssueLevel.ERROR,
    )
    return job


# --- Who may use the pages -------------------------------------------------------------------
@pytest.mark.parametrize("name", ["imports:index", "imports:new", "imports:export"])
def test_only_coordinators_open_the_import_pages(
    client, name, coordinator, caseworker_heusden, alderman
):
    assert client_for(client, caseworker_heusden).get(reverse(name)).status_code == 403
    assert client_for(client, alderman).get(reverse(name)).status_code == 403
    assert client_for(client, coordinator).get(reverse(name)).status_code == 200


def test_the_navigation_shows_import_to_coordinators_only(client, coordinator, caseworker_heusden):
    url = reverse("imports:index")
    assert f'href="{url}"' in client_for(client, coordinator).get("/").content.decode()
    assert f'href="{url}"' not in client_for(client, caseworker_heusden).get("/").content.decode()


# --- Upload and mapping ----------------------------------------------------------------------
def test_a_file_that_is_no_spreadsheet_is_refused_in_dutch(client, coordinator):
    client_for(client, coordinator)
    response = client.post(
        reverse("imports:new"),
        {
            "kind": ImportKind.EMPLOYERS,
            "file": SimpleUploadedFile("foto.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "Dit is geen CSV- of Excelbestand" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_empty_file_gets_the_engines_message_next_to_the_file_field(client, coordinator):
    client_for(client, coordinator)
    response = client.post(
        reverse("imports:new"),
        {"kind": ImportKind.EMPLOYERS, "file": SimpleUploadedFile("leeg.csv", b"")},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["file"], form.errors


def test_the_mapping_is_proposed_and_a_missing_required_field_is_shown(client, coordinator):
    client_for(client, coordinator)
    response = upload(client, EMPLOYER_ROWS, ImportKind.EMPLOYERS, encoding="cp1252")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:mapping", args=[job.pk])

    page = client.get(response["Location"])
    form = page.context["form"]
    # "KvK-nummer" and "Postcode" are recognised; "Firma" (a trade name) is not.
    assert form["col_0"].initial == "kvk_number"
    assert form["col_1"].initial == ""
    assert form["col_2"].initial == "postcode"
    html = page.content.decode()
    assert "Firma" in html and "Verplichte velden" in html

    posted = {"col_0": "kvk_number", "col_1": "", "col_2": "postcode", "col_3": "city"}
    refused = client.post(reverse("imports:mapping", args=[job.pk]), posted)
    assert refused.status_code == 400
    assert refused.context["form"].errors
    assert 'role="alert"' in refused.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.MAPPING

    fixed = client.post(
        reverse("imports:mapping", args=[job.pk]),
        {**posted, "col_1": "trade_name", "layout_name": "CRM-export"},
    )
    assert fixed.status_code == 302
    job.refresh_from_db()
    assert job.mapping["Firma"] == "trade_name"
    assert job.layout is not None and job.layout.name == "CRM-export"


# --- Preview ---------------------------------------------------------------------------------
def test_the_preview_shows_counts_errors_by_row_and_column_and_blocks_confirming(
    client, coordinator
):
    job = job_with_results(coordinator)
    html = client_for(client, coordinator).get(reverse("imports:preview", args=[job.pk])).content
    html = html.decode()
    assert 'data-count="create">1<' in html and 'data-count="error">1<' in html
    assert "Dit BSN voldoet niet aan de elfproef." in html
    assert "<td>3</td><td>BSN</td>" in html
    assert "disabled" in html and 'aria-describedby="confirm-blocked"' in html
    assert "Anouk Verbeek" in html
    # One good row: the coordinator may import it, leaving the row with errors out.
    assert SKIP_LABEL in html and 'name="skip_error_rows"' in html
    assert "De rijen zonder fouten importeren" in html


def test_without_a_good_row_confirming_is_blocked_and_skipping_not_offered(client, coordinator):
    job = job_with_results(coordinator)
    ImportJob.objects.filter(pk=job.pk).update(
        counts={"create": 0, "update": 0, "skip": 0, "error": 2}
    )
    html = client_for(client, coordinator).get(reverse("imports:preview", args=[job.pk]))
    html = html.content.decode()
    assert " disabled" in html and 'aria-describedby="confirm-blocked"' in html
    assert SKIP_LABEL not in html and "skip_error_rows" not in html


def test_confirming_an_import_with_errors_is_refused(client, coordinator):
    job = job_with_results(coordinator)
    response = client_for(client, coordinator).post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.READY


def test_ticking_skip_rows_with_errors_imports_the_rest(client, coordinator, heusden):
    from tests.imports import files

    client_for(client, coordinator)
    messy = SimpleUploadedFile("werkgevers.csv", files.employers_csv(), content_type="text/csv")
    client.post(reverse("imports:new"), {"kind": ImportKind.EMPLOYERS, "file": messy})
    job = ImportJob.objects.get()
    mapping_page = client.get(reverse("imports:mapping", args=[job.pk]))
    posted = {
        name: mapping_page.context["form"][name].initial or ""
        for name in mapping_page.context["form"].column_fields
    }
    client.post(reverse("imports:mapping", args=[job.pk]), posted)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and job.error_count == 1, job.counts
    assert SKIP_LABEL in client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    # Not ticked: refused, as before.
    client.post(reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not Employer.objects.exists()
    # Ticked: the good rows are imported, the row with errors is left out and named.
    response = client.post(reverse("imports:confirm", args=[job.pk]), {"skip_error_rows": "on"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.skip_error_rows
    assert job.counts["create"] == 3 and Employer.objects.count() == 3
    assert job.results.get(row_number=8).action == RowAction.ERROR


def test_a_real_dry_run_never_shows_a_bsn(client, coordinator, heusden):
    client_for(client, coordinator)
    upload(client, JOBSEEKER_ROWS, ImportKind.JOBSEEKERS)
    job = ImportJob.objects.get()
    mapping_page = client.get(reverse("imports:mapping", args=[job.pk]))
    posted = {
        name: mapping_page.context["form"][name].initial or ""
        for name in mapping_page.context["form"].column_fields
    }
    response = client.post(reverse("imports:mapping", args=[job.pk]), posted, follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.READY, job.status
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("imports:preview", args=[job.pk])
    assert VALID_BSN not in html and INVALID_BSN not in html
    assert job.counts["error"] >= 1
    issue = job.issues.get(field="bsn")
    assert issue.row_number == 3 and issue.message in html


# --- Progress, cancel, report ----------------------------------------------------------------
def test_the_progress_fragment_polls_while_running_and_then_sends_the_browser_on(
    client, coordinator
):
    job = ImportJob.objects.create(
        kind=ImportKind.EMPLOYERS,
        status=ImportStatus.IMPORTING,
        filename="werkgevers.csv",
        file_format="csv",
        total_rows=200,
        processed_rows=50,
        created_by=coordinator,
    )
    url = reverse("imports:progress", args=[job.pk])
    client_for(client, coordinator)
    page = client.get(url).content.decode()
    assert '<meta http-equiv="refresh"' in page  # inside <noscript>: works without JavaScript
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="import-progress-bar"' in html and 'value="50"' in html
    assert "50 van 200 rijen (25%)" in html
    assert "<html" not in html

    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed_rows=200)
    done = client.get(url, headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == reverse("imports:report", args=[job.pk])
    assert "hx-trigger" not in done.content.decode()


def test_stopping_an_import_asks_first(client, coordinator):
    job = job_with_results(coordinator)
    url = reverse("imports:cancel", args=[job.pk])
    client_for(client, coordinator)
    assert client.post(url).status_code == 200  # box not ticked: the question again
    job.refresh_from_db()
    assert job.status == ImportStatus.READY
    assert client.post(url, {"confirm": "on"}).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED


def test_a_caseworker_cannot_open_an_import_by_its_id(client, coordinator, caseworker_heusden):
    job = job_with_results(coordinator)
    response = client_for(client, caseworker_heusden).get(reverse("imports:preview", args=[job.pk]))
    assert response.status_code == 403


# --- Export ----------------------------------------------------------------------------------
def test_the_export_holds_no_bsn_without_a_reason_and_is_audited(
    client, coordinator, heusden, bakery_heusden
):
    person = JobSeekerFactory(municipality=heusden, bsn=VALID_BSN, first_name="Anouk")
    client_for(client, coordinator)
    before = AuditEvent.objects.filter(action=AuditAction.EXPORT).count()
    response = client.post(
        reverse("imports:export"), {"kind": ImportKind.JOBSEEKERS, "fmt": "csv", "layout": ""}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    text = content.decode("utf-8-sig")
    assert "Anouk" in text and person.last_name in text
    assert VALID_BSN not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == before + 1


def test_a_role_that_may_not_export_bsns_gets_no_bsn_box_and_no_bsn(
    client, coordinator, heusden, monkeypatch
):
    JobSeekerFactory(municipality=heusden, bsn=VALID_BSN)
    monkeypatch.setattr(exports, "may_export_bsn", lambda user: False)
    client_for(client, coordinator)
    page = client.get(reverse("imports:export"))
    assert "include_bsn" not in page.context["form"].fields
    assert "Het bestand bevat geen BSN" in page.content.decode()
    # A BSN box smuggled into the form is ignored.
    response = client.post(
        reverse("imports:export"),
        {"kind": ImportKind.JOBSEEKERS, "fmt": "csv", "include_bsn": "on", "reason": "x" * 20},
    )
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    assert VALID_BSN not in content.decode("utf-8-sig")


def test_a_bsn_export_needs_a_reason_and_the_reason_is_audited(client, coordinator, heusden):
    JobSeekerFactory(municipality=heusden, bsn=VALID_BSN)
    client_for(client, coordinator)
    assert "include_bsn" in client.get(reverse("imports:export")).context["form"].fields
    data = {"kind": ImportKind.JOBSEEKERS, "fmt": "csv", "include_bsn": "on"}
    refused = client.post(reverse("imports:export"), {**data, "reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"]
    assert 'role="alert"' in refused.content.decode()
    response = client.post(
        reverse("imports:export"), {**data, "reason": "Overdracht aan de nieuwe uitvoerder"}
    )
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    assert VALID_BSN in content.decode("utf-8-sig")
    event = AuditEvent.objects.filter(action=AuditAction.EXPORT).latest("at")
    assert event.actor == coordinator
    assert "Overdracht" in str(event.detail) and VALID_BSN not in str(event.detail)


def test_employers_export_as_xlsx(client, coordinator, bakery_heusden):
    response = client_for(client, coordinator).post(
        reverse("imports:export"), {"kind": ImportKind.EMPLOYERS, "fmt": "xlsx"}
    )
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    assert Employer.objects.count() == 1


class TestUploadSizeLimit:
    """A file over IMPORT_MAX_BYTES is refused before it is stored (baanbrekers/uploads.py)."""

    def test_a_body_announced_too_large_is_refused_unread(self, client, coordinator, settings):
        settings.IMPORT_MAX_BYTES = 1024
        client_for(client, coordinator)
        response = client.post(
            reverse("imports:new"),
            {"kind": "employers", "file": csv_file(EMPLOYER_ROWS * 2000)},
        )
        assert response.status_code == 413
        assert "groter dan" in response.content.decode()
        assert not ImportJob.objects.exists()

    def test_a_body_that_grows_past_the_limit_stops_being_stored(
        self, client, coordinator, settings, monkeypatch
    ):
        # A body whose Content-Length does not give it away (chunked, or a lie): the handler
        # stops the upload at the limit; the temporary-file handler behind it gets no more.
        from baanbrekers import uploads

        settings.IMPORT_MAX_BYTES = 100 * 1024
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file would go to a temporary file
        monkeypatch.setattr(uploads, "FORM_OVERHEAD_BYTES", 10**9)  # the length says nothing
        stored = []
        from django.core.files.uploadhandler import TemporaryFileUploadHandler

        original = TemporaryFileUploadHandler.receive_data_chunk

        def spy(self, raw_data, start):
            stored.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
        client_for(client, coordinator)
        response = client.post(
            reverse("imports:new"),
            {"kind": "employers", "file": csv_file(EMPLOYER_ROWS * 20_000)},
        )
        assert response.status_code == 413
        assert "groter dan" in response.content.decode()
        assert sum(stored) <= settings.IMPORT_MAX_BYTES
        assert not ImportJob.objects.exists()

    def test_a_file_under_the_limit_still_uploads_with_csrf_checked(self, coordinator):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(coordinator)
        data = {"kind": "employers", "file": csv_file(EMPLOYER_ROWS)}
        # Without the token: refused by the CSRF check, although the view is exempt at the
        # outside (the inner view is protected).
        assert client.post(reverse("imports:new"), data).status_code == 403
        page = client.get(reverse("imports:new"))
        token = page.cookies["csrftoken"].value
        data = {"kind": "employers", "file": csv_file(EMPLOYER_ROWS)}
        response = client.post(reverse("imports:new"), data, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 302
        assert ImportJob.objects.count() == 1
