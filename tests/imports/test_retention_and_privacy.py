"""Review fixes of the imports: BSNs in a column mapped to a choice field are masked and never
echoed or saved; imports whose task died are failed and lose their file; row results and
issues (names) of old imports are deleted while the counts stay."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.housekeeping import housekeeping_run
from imports import services
from imports.models import ImportJob, ImportLayout, ImportRowIssue, ImportRowResult, ImportStatus
from jobseekers.demo import synthetic_bsn
from tests.imports import files

pytestmark = pytest.mark.django_db


def _upload(user, kind, data, name):
    return services.import_upload(user=user, kind=kind, uploaded_file=files.upload(data, name))


def _checked(user, job, mapping=None, value_mapping=None, layout_name=None):
    job = services.import_mapping_set(
        user=user,
        job=job,
        mapping=mapping or job.mapping,
        value_mapping=value_mapping or {},
        layout_name=layout_name,
    )
    return services.import_dry_run_start(user=user, job=job)


# --- C: BSNs in a choice column ----------------------------------------------------------------
def test_bsns_in_a_choice_column_are_masked_never_echoed_and_never_saved(world, client):
    user = world["coordinator"]
    in_choice = synthetic_bsn(900_031)
    dotted = f"{in_choice[:4]}.{in_choice[4:6]}.{in_choice[6:]}"
    lost_zero = "12345678"  # a BSN whose leading zero a spreadsheet dropped
    lines = [
        "BSN;Voornaam;Achternaam;Geboortedatum;Postcode;Trede",
        f"{synthetic_bsn(900_032)};Anouk;Verbeek;12-03-1990;5251 AB;{dotted}",
        f"{synthetic_bsn(900_033)};Daan;Kuipers;01-07-1985;5171 AB;{lost_zero}",
        f"{synthetic_bsn(900_034)};Mila;Jansen;02-08-1991;5171 AB;Trede 3",
    ]
    job = _upload(user, "jobseekers", "\r\n".join(lines).encode(), "klanten.csv")
    assert job.mapping["Trede"] == "ladder_step"
    clear = [in_choice, dotted, lost_zero]

    words = services.distinct_values(job, "ladder_step")
    assert words == [f"*****{in_choice[-4:]}", "*****5678", "Trede 3"]
    assert services.distinct_values_all(job)["ladder_step"] == words
    client.force_login(user)
    page = client.get(reverse("imports:mapping", args=[job.pk])).content.decode()
    assert f"*****{in_choice[-4:]}" in page
    assert not any(value in page for value in clear)

    job = _checked(
        user,
        job,
        value_mapping={
            "ladder_step": {dotted: "3", lost_zero: "2", "*****5678": "2", "Trede 3": "3"}
        },
        layout_name="CRM",
    )
    assert job.value_mapping == {"ladder_step": {"Trede 3": "3"}}
    assert ImportLayout.objects.get(name="CRM").values == {"ladder_step": {"Trede 3": "3"}}

    errors = list(job.issues.filter(level="error"))
    assert [(e.row_number, e.column) for e in errors] == [(2, "Trede"), (3, "Trede")]
    assert all(e.message.startswith("Deze waarde is geen van de keuzes") for e in errors)
    texts = [i.message for i in job.issues.all()] + [r.label for r in job.results.all()]
    texts += [json.dumps(job.value_mapping), json.dumps(job.counts), job.failure]
    assert not any(value in text for value in clear for text in texts)


def test_a_word_that_is_no_bsn_is_still_named_in_the_message(world):
    user = world["coordinator"]
    lines = [
        "BSN;Voornaam;Achternaam;Geboortedatum;Postcode;Trede",
        f"{synthetic_bsn(900_035)};Anouk;Verbeek;12-03-1990;5251 AB;halverwege",
    ]
    job = _checked(user, _upload(user, "jobseekers", "\r\n".join(lines).encode(), "k.csv"))
    assert services.distinct_values(job, "ladder_step") == ["halverwege"]
    assert "“halverwege” is geen van de keuzes" in job.issues.get(level="error").message


# --- E: imports whose task died ------------------------------------------------------------------
def test_an_import_whose_task_died_is_failed_and_its_file_deleted(world):
    user = world["coordinator"]
    now = timezone.now()
    stuck = _upload(user, "employers", files.employers_csv(), "oud.csv")
    busy = _upload(user, "employers", files.employers_csv(), "bezig.csv")
    limit = max(services.TASK_TIME_LIMIT, 300) + services.STUCK_MARGIN.total_seconds()
    ImportJob.objects.filter(pk=stuck.pk).update(
        status=ImportStatus.IMPORTING, started_at=now - datetime.timedelta(seconds=limit + 60)
    )
    ImportJob.objects.filter(pk=busy.pk).update(
        status=ImportStatus.VALIDATING, started_at=now - datetime.timedelta(minutes=5)
    )
    assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 1}
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and stuck.finished_at is not None
    assert stuck.failure.startswith("De controle of import is gestopt zonder af te ronden")
    assert not stuck.parts.exists() and stuck.file_deleted_at is not None
    assert busy.status == ImportStatus.VALIDATING and busy.parts.exists()
    assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 0}


def test_a_long_import_whose_process_still_holds_its_lock_is_left_alone(world):
    user = world["coordinator"]
    job = _upload(user, "employers", files.employers_csv(), "groot.csv")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now() - datetime.timedelta(days=1)
    )
    from django.db import DEFAULT_DB_ALIAS, connections

    other = connections.create_connection(DEFAULT_DB_ALIAS)  # "the worker"
    try:
        with other.cursor() as cursor:
            key = int(
                services.hashlib.sha256(f"imports.job.{job.pk}".encode()).hexdigest()[:15], 16
            )
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 0}
        job.refresh_from_db()
        assert job.status == ImportStatus.VALIDATING and job.parts.exists()
    finally:
        other.close()
    assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 1}


# --- B: names do not outlive the report ----------------------------------------------------------
def test_row_results_and_issues_of_old_imports_are_deleted_the_counts_stay(world):
    user = world["coordinator"]
    rows = files.jobseeker_rows(world["caseworker"].email)
    job = _checked(user, _upload(user, "jobseekers", files.jobseekers_xlsx(rows), "k.xlsx"))
    job = services.import_confirm(user=user, job=job, skip_error_rows=True)
    assert job.status == ImportStatus.DONE
    recent = _checked(user, _upload(user, "jobseekers", files.jobseekers_xlsx(rows), "n.xlsx"))
    recent = services.import_cancel(user=user, job=recent)
    assert job.results.exists() and job.issues.exists() and recent.results.exists()
    # The report itself names nobody: no names, no BSNs.
    report = json.dumps(job.report) + json.dumps(job.counts)
    for row in rows:
        assert str(row[0]) not in report and row[1] not in report and row[3] not in report
    counts, kept_report = job.counts, job.report

    ImportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=services.REPORT_DAYS, hours=1)
    )
    housekeeping_run(only=["imports_expire"])
    job.refresh_from_db()
    assert not ImportRowResult.objects.filter(job=job).exists()
    assert not ImportRowIssue.objects.filter(job=job).exists()
    assert job.counts == counts and job.report == kept_report
    assert recent.results.exists() and recent.issues.exists()
