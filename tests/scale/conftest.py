"""The tiny data set of ``manage.py seed_scale``, written once per module and rolled back after."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

# The tables the generator fills, and the checksum that tells two data sets apart.
TABLES = [
    "employers_employer",
    "employers_employercontact",
    "employers_opening",
    "employers_contactmoment",
    "visits_visit",
    "visits_visitstaff",
    "visits_visitsignup",
    "visits_click",
    "jobseekers_jobseeker",
    "jobseekers_consent",
    "jobseekers_jobseekernote",
    "baanbrekers_auditevent",
    "placements_proposal",
    "placements_developmentplacement",
    "placements_evaluation",
    "placements_joboutcome",
    "placements_jobcheck",
    "placements_buddypairing",
    "placements_buddymeeting",
    "placements_introduction",
]


def fingerprint() -> dict:
    """Rows per table, and what the data says (ids, statuses, dates, hashes) in one checksum."""
    out = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            out[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(concat_ws(',', j.id, status, left_on, bsn_hash, postcode,"
            " m.cbs_code), ';' ORDER BY j.id)) FROM jobseekers_jobseeker j"
            " JOIN baanbrekers_municipality m ON m.id = j.municipality_id"
        )
        out["jobseekers"] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(concat_ws(',', id, jobseeker_id, employer_id, status,"
            " start_date, ended_on), ';' ORDER BY id)) FROM placements_developmentplacement"
        )
        out["placements"] = cursor.fetchone()[0]
    return out


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", size="tiny", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def tiny(django_db_setup, django_db_blocker):
    """The tiny set, shared by the tests of a module (each test runs in a savepoint inside)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield fingerprint()
        transaction.set_rollback(True)
