"""An import's queries do not grow with its rows: what every row used to read again (the region
check's municipality list) is read once per run; what every row writes goes in per batch."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from baanbrekers.validators import served_municipalities_read_once, validate_postcode_in_region
from imports import services
from imports.models import ImportJob, ImportStatus
from tests.imports import files

pytestmark = pytest.mark.django_db

# The region check's question: which municipalities do we serve (``values_list`` of the two).
SERVED = 'SELECT "baanbrekers_municipality"."cbs_code" AS "cbs_code", "baanbrekers_municipality"'


def _upload(user, rows: int, start: int) -> ImportJob:
    job = services.import_upload(
        user=user,
        kind="jobseekers",
        uploaded_file=files.upload(files.bulk_jobseekers_csv(rows, start), "klanten.csv"),
    )
    job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    return job


def _run(user, rows: int, start: int) -> tuple[list[str], list[str]]:
    """The statements of the dry run and of the import of ``rows`` new job seekers."""
    job = _upload(user, rows, start)
    with CaptureQueriesContext(connection) as checking:
        job = services.import_dry_run(job_id=job.pk)
    assert job.status == ImportStatus.READY and job.counts["create"] == rows
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    with CaptureQueriesContext(connection) as importing:
        job = services.import_apply(job_id=job.pk)
    assert job.status == ImportStatus.DONE and job.counts["create"] == rows
    return (
        [q["sql"] for q in checking.captured_queries],
        [q["sql"] for q in importing.captured_queries],
    )


@override_settings(IMPORT_BATCH_SIZE=100)
def test_the_region_check_reads_the_municipalities_once_per_run(world):
    checking, importing = _run(world["coordinator"], 50, start=1_000_000)
    assert sum(sql.startswith(SERVED) for sql in checking) == 1
    assert sum(sql.startswith(SERVED) for sql in importing) == 1


@override_settings(IMPORT_BATCH_SIZE=100)
def test_importing_50_rows_costs_as_many_queries_as_5(world):
    few = _run(world["coordinator"], 5, start=1_000_000)
    many = _run(world["coordinator"], 50, start=2_000_000)
    assert [len(statements) for statements in many] == [len(statements) for statements in few]


def test_the_region_check_answers_the_same_when_read_once(heusden, waalwijk):
    postcodes = ["5251 AB", "5141 AA", "5211 AB", "1001 AB", "5251 AB"]
    with CaptureQueriesContext(connection) as once, served_municipalities_read_once():
        for postcode in postcodes:
            validate_postcode_in_region(postcode)
        for _ in range(2):
            with translation.override("nl"), pytest.raises(ValidationError) as exc:
                validate_postcode_in_region("1011 AB")
            assert exc.value.messages == [
                "Postcode 1011 AB ligt in Amsterdam, meer dan 25 km buiten onze regio "
                "(Heusden, Waalwijk)."
            ]
    assert len(once.captured_queries) == 1
    # Outside the block every call asks the database, as before.
    with CaptureQueriesContext(connection) as each:
        for postcode in postcodes:
            validate_postcode_in_region(postcode)
    assert len(each.captured_queries) == 4  # the unknown area is not looked up
