"""The import engine: reading messy files, mapping, the dry run with Dutch errors per row and
column, all-or-nothing imports, idempotent second runs, and no BSN anywhere it must not be."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from baanbrekers.models import AuditAction, AuditEvent
from employers.models import Employer, EmployerContact
from imports import layouts, services
from imports.models import ImportJob, ImportRowIssue, ImportStatus, RowAction
from jobseekers.demo import synthetic_bsn
from jobseekers.models import Consent, JobSeeker
from tests.employers.factories import EmployerFactory
from tests.imports import files
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db


def _upload(user, kind, data, name):
    return services.import_upload(user=user, kind=kind, uploaded_file=files.upload(data, name))


def _checked(user, job, mapping=None, value_mapping=None):
    job = services.import_mapping_set(
        user=user, job=job, mapping=mapping or job.mapping, value_mapping=value_mapping or {}
    )
    return services.import_dry_run_start(user=user, job=job)


def _issues(job):
    return [(i.row_number, i.column, i.level, i.message) for i in job.issues.all()]


def _employer_rows_clean():
    return [r for r in files.EMPLOYER_ROWS]


# --- Reading ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", ","), ("utf-16", "\t")],
)
def test_csv_in_every_encoding_and_delimiter_a_dutch_spreadsheet_writes(world, encoding, delimiter):
    data = files.employers_csv(encoding=encoding, delimiter=delimiter)
    job = _upload(world["coordinator"], "employers", data, "bedrijven.csv")
    assert job.status == ImportStatus.MAPPING
    assert job.delimiter == delimiter
    assert job.headers[1] == "Bedrijfsnaam"
    assert job.total_rows == 5  # empty lines are not rows
    assert job.mapping["KvK-nummer"] == "kvk_number"
    assert job.mapping["E-mail"] == "contact_email"
    names = [cells[1] for _n, cells in services.job_rows(job)]
    assert names[0] == "Café De Gouden Leeuw"  # é read right whatever the encoding
    assert "Bouwbedrijf Van Hé" in names


def test_the_stored_file_is_encrypted(world):
    job = _upload(world["coordinator"], "employers", files.employers_csv(), "b.csv")
    part = job.parts.get()
    assert "Gouden" not in part.data_encrypted and "12345678" not in part.data_encrypted


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "leeg.csv", "empty"),
        (b"KvK;Naam\r\n", "kop.csv", "empty"),
        (b"PK\x03\x04not really a zip", "kapot.xlsx", "unreadable"),
        (b"\x00\x01\x02\x03binary", "plaatje.csv", "unreadable"),
    ],
)
def test_unreadable_or_empty_files_are_refused_and_nothing_is_kept(world, data, name, code):
    with pytest.raises(services.ImportFileError) as caught:
        _upload(world["coordinator"], "employers", data, name)
    assert caught.value.code == code
    assert "bestand" in caught.value.messages[0]  # Dutch
    assert not ImportJob.objects.exists()


@override_settings(IMPORT_MAX_ROWS=2)
def test_too_many_rows_is_refused(world):
    with pytest.raises(services.ImportFileError):
        _upload(world["coordinator"], "employers", files.employers_csv(), "b.csv")


def test_only_coordinators_import(caseworker_heusden):
    with pytest.raises(PermissionError):
        _upload(caseworker_heusden, "employers", files.employers_csv(), "b.csv")


def test_headers_are_recognised_in_dutch_and_english():
    proposal = layouts.propose_mapping(
        "jobseekers", ["Burgerservicenummer", "First name", "ACHTERNAAM ", "Date of birth", "Zip"]
    )
    assert proposal == {
        "Burgerservicenummer": "bsn",
        "First name": "first_name",
        "ACHTERNAAM ": "last_name",
        "Date of birth": "birth_date",
        "Zip": "postcode",
    }


# --- Mapping ----------------------------------------------------------------------------------
def test_mapping_needs_every_required_field_once(world):
    user = world["coordinator"]
    job = _upload(user, "employers", files.employers_csv(), "b.csv")
    mapping = dict(job.mapping, **{"KvK-nummer": "", "Plaats": "trade_name"})
    with pytest.raises(ValidationError) as caught:
        services.import_mapping_set(user=user, job=job, mapping=mapping)
    text = " ".join(caught.value.messages)
    assert "KvK" in text and "more than one column" in text or "meer dan" in text


def test_a_saved_layout_is_proposed_for_the_next_file(world):
    user = world["coordinator"]
    header = ["Nummer KvK", *files.EMPLOYER_HEADER[1:]]
    data = files.employers_csv(header=header, messy=False)
    job = _upload(user, "employers", data, "crm.csv")
    assert job.mapping["Nummer KvK"] == ""
    services.import_mapping_set(
        user=user,
        job=job,
        mapping=dict(job.mapping, **{"Nummer KvK": "kvk_number"}),
        layout_name="CRM-export",
    )
    again = _upload(user, "employers", data, "crm2.csv")
    assert again.mapping["Nummer KvK"] == "kvk_number"
    assert again.layout.name == "CRM-export"


# --- Dry run ----------------------------------------------------------------------------------
def test_dry_run_reports_errors_in_dutch_with_row_and_column_and_writes_nothing(world):
    user = world["coordinator"]
    job = _upload(user, "employers", files.employers_csv(), "bedrijven.csv")
    job = _checked(user, job)
    assert job.status == ImportStatus.READY
    assert job.counts["create"] == 3
    assert job.counts["skip"] == 1  # the duplicate row
    assert job.counts["error"] == 1
    errors = job.issues.filter(level="error")
    assert [(e.row_number, e.column) for e in errors] == [(8, "KvK-nummer")]
    assert "8 cijfers" in errors[0].message  # Dutch, from the KvK validator
    duplicate = job.issues.get(level="warning")
    assert duplicate.row_number == 7 and "rij 2" in duplicate.message
    assert not Employer.objects.exists()
    assert not job.can_confirm
    with pytest.raises(ValidationError):
        services.import_confirm(user=user, job=job)


def test_jobseekers_from_xlsx_serial_dates_numbers_and_an_invalid_bsn(world):
    user = world["coordinator"]
    data = files.jobseekers_xlsx(files.jobseeker_rows(world["caseworker"].email))
    job = _checked(user, _upload(user, "jobseekers", data, "klanten.xlsx"))
    assert job.file_format == "xlsx"
    errors = list(job.issues.filter(level="error"))
    assert [(e.row_number, e.column) for e in errors] == [(5, "BSN")]
    assert "elfproef" in errors[0].message
    warning = job.issues.get(level="warning")
    assert warning.row_number == 4 and "onbekendwoord" in warning.message
    assert job.counts["create"] == 2
    assert not JobSeeker.objects.exists()


def test_bsn_never_in_messages_labels_or_logs(world, caplog):
    caplog.set_level(logging.DEBUG)
    user = world["coordinator"]
    rows = files.jobseeker_rows()
    rows[1][4] = "32-13-1990"  # a bad date beside a valid BSN
    job = _checked(user, _upload(user, "jobseekers", files.jobseekers_xlsx(rows), "k.xlsx"))
    bsns = [str(r[0]) for r in rows]
    texts = [i.message for i in job.issues.all()] + [r.label for r in job.results.all()]
    texts += [caplog.text, str(job.counts), str(job.report), job.failure]
    for bsn in bsns:
        assert not any(bsn in text for text in texts)
    labels = [r.label for r in job.results.all() if r.label]
    assert labels and all("*****" in label for label in labels)


# --- The import -------------------------------------------------------------------------------
def _clean_jobseekers(world):
    rows = files.jobseeker_rows(world["caseworker"].email)[:2]
    return files.jobseekers_xlsx(rows)


def test_import_creates_through_the_services_and_a_second_run_changes_nothing(world):
    user = world["coordinator"]
    job = _checked(user, _upload(user, "jobseekers", _clean_jobseekers(world), "k.xlsx"))
    assert job.can_confirm, _issues(job)
    job = services.import_confirm(user=user, job=job)
    assert job.status == ImportStatus.DONE
    assert job.counts["create"] == 2
    fatima = JobSeeker.objects.with_bsn(synthetic_bsn(900_010)).get()
    assert fatima.birth_date.isoformat() == "1985-05-17"  # Excel serial 31184
    assert fatima.phone == "06 12345678" and fatima.postcode == "5251 AB"
    assert fatima.caseworker == world["caseworker"]
    assert fatima.ladder_step == 3 and fatima.hours_available == 24
    assert fatima.has_driving_licence is True
    assert sorted(fatima.skills.values_list("name", flat=True)) == ["koken", "lassen"]
    assert Consent.objects.valid("share_profile").filter(jobseeker=fatima).exists()
    jan = JobSeeker.objects.with_bsn(synthetic_bsn(900_011)).get()
    assert jan.last_name == "van der Berg" and jan.municipality.name == "Waalwijk"
    assert jan.birth_date.isoformat() == "1979-03-02"
    # The services' side effects, as from the forms: one audit event per created person.
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="jobseekers.JobSeeker"
        ).count()
        == 2
    )
    event = AuditEvent.objects.get(object_type="imports.ImportJob", action=AuditAction.CREATE)
    assert event.detail["rows"] == 2 and sorted(event.detail["created_ids"]) == sorted(
        [fatima.pk, jan.pk]
    )
    assert not job.parts.exists() and job.file_deleted_at is not None
    assert {r.object_id for r in job.results.all()} == {fatima.pk, jan.pk}

    before = AuditEvent.objects.count()
    again = _checked(user, _upload(user, "jobseekers", _clean_jobseekers(world), "k.xlsx"))
    assert again.counts | {"warning": 0} == {
        "create": 0,
        "update": 0,
        "skip": 2,
        "error": 0,
        "warning": 0,
    }
    again = services.import_confirm(user=user, job=again)
    assert again.status == ImportStatus.DONE and again.counts["skip"] == 2
    assert JobSeeker.objects.count() == 2 and Consent.objects.count() == 1
    # Only the import's own events (confirmed, done): no record changed.
    assert AuditEvent.objects.count() - before == 2


def test_a_changed_value_updates_only_that_record(world):
    user = world["coordinator"]
    person = JobSeekerFactory(
        bsn=synthetic_bsn(900_010), first_name="Fatima", last_name="El Amrani", hours_available=10
    )
    job = _checked(user, _upload(user, "jobseekers", _clean_jobseekers(world), "k.xlsx"))
    result = job.results.get(row_number=3)
    assert result.action == RowAction.UPDATE and "hours_available" in result.fields
    services.import_confirm(user=user, job=job)
    person.refresh_from_db()
    assert person.hours_available == 24


def test_employers_with_contacts_and_the_second_run(world):
    user = world["coordinator"]
    data = files.employers_csv(messy=False)
    job = _checked(user, _upload(user, "employers", data, "b.csv"))
    assert job.can_confirm, _issues(job)
    services.import_confirm(user=user, job=job)
    cafe = Employer.objects.get(kvk_number="12345678")
    assert cafe.trade_name == "Café De Gouden Leeuw" and cafe.postcode == "5251 AB"
    assert cafe.size_class == "1-9" and cafe.municipality.name == "Heusden"
    contact = EmployerContact.objects.get(employer=cafe)
    assert contact.is_primary and contact.phone == "06 12345678"
    assert Employer.objects.get(kvk_number="34567890").municipality.name == "Loon op Zand"
    again = _checked(user, _upload(user, "employers", data, "b.csv"))
    assert again.counts["skip"] == 3 and again.counts["create"] == again.counts["update"] == 0


def test_all_or_nothing_a_row_that_fails_at_import_rolls_everything_back(world):
    user = world["coordinator"]
    job = _checked(user, _upload(user, "employers", files.employers_csv(messy=False), "b.csv"))
    assert job.can_confirm
    # Between the dry run and the confirmation someone registers the third KvK number with
    # an address outside the file's reach: the import's update of it now fails.
    EmployerFactory(kvk_number="34567890", postcode="5171 AB")
    ImportJob.objects.filter(pk=job.pk).update(
        mapping=dict(job.mapping, **{"Telefoon": "contact_phone"})
    )
    # Force a failure on the last row: its contact phone is not a phone number.
    from imports.models import ImportFilePart
    from imports.readers import encrypt_part

    rows = [list(r) for r in files.EMPLOYER_ROWS]
    rows[2][6:9] = ["Iemand", "", "12"]
    ImportFilePart.objects.filter(job=job).update(
        data_encrypted=encrypt_part(files.employers_csv(rows=rows, messy=False))
    )
    job = services.import_confirm(user=user, job=job)
    assert job.status == ImportStatus.FAILED
    assert "Rij 4" in job.failure and "Telefoon" in job.failure
    assert not Employer.objects.filter(kvk_number__in=["12345678", "23456789"]).exists()
    assert not job.parts.exists()
    assert ImportRowIssue.objects.filter(job=job, row_number=4, level="error").exists()


def test_cancel_before_confirming_deletes_the_file(world):
    user = world["coordinator"]
    job = _checked(user, _upload(user, "employers", files.employers_csv(), "b.csv"))
    job = services.import_cancel(user=user, job=job)
    assert job.status == ImportStatus.CANCELLED and not job.parts.exists()
    with pytest.raises(ValidationError):
        services.import_confirm(user=user, job=job)
    with pytest.raises(ValidationError):
        services.import_cancel(user=user, job=job)


def test_unconfirmed_files_expire_in_the_housekeeping(world):
    import datetime

    from django.utils import timezone

    from baanbrekers.housekeeping import housekeeping_run

    user = world["coordinator"]
    old = _upload(user, "employers", files.employers_csv(), "oud.csv")
    fresh = _upload(user, "employers", files.employers_csv(), "nieuw.csv")
    ImportJob.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 1}
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ImportStatus.EXPIRED and not old.parts.exists()
    assert fresh.status == ImportStatus.MAPPING and fresh.parts.exists()
    assert housekeeping_run(only=["imports_expire"]) == {"imports_expire": 0}


def test_confirming_with_skip_error_rows_imports_the_good_rows_and_names_the_rest(world):
    user = world["coordinator"]
    job = _checked(user, _upload(user, "employers", files.employers_csv(), "b.csv"))
    assert job.error_count == 1 and job.can_confirm_skipping_errors and not job.can_confirm
    job = services.import_confirm(user=user, job=job, skip_error_rows=True)
    assert job.status == ImportStatus.DONE
    assert job.counts["create"] == 3 and job.counts["error"] == 1
    assert Employer.objects.count() == 3
    left_out = job.issues.get(level="error")
    assert (left_out.row_number, left_out.column) == (8, "KvK-nummer")
    assert job.results.get(row_number=8).action == RowAction.ERROR


# --- Speed: the same writes, fewer queries ------------------------------------------------------
def _bulk_job(user, rows, start=1_000_000):
    job = _upload(user, "jobseekers", files.bulk_jobseekers_csv(rows, start), "klanten.csv")
    job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    job = services.import_dry_run(job_id=job.pk)
    assert job.status == ImportStatus.READY and job.counts["create"] == rows, _issues(job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    return job


def _apply_queries(job) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        job = services.import_apply(job_id=job.pk)
    assert job.status == ImportStatus.DONE
    return len(captured.captured_queries)


@override_settings(IMPORT_BATCH_SIZE=20)
def test_new_job_seekers_are_written_per_batch_with_every_side_effect_of_the_form(world):
    user = world["coordinator"]
    small = _apply_queries(_bulk_job(user, 20, start=1_000_000))
    large = _apply_queries(_bulk_job(user, 60, start=2_000_000))
    # Each further row costs the checks that stay per row (region, municipality) and its own
    # audit event; the files, skills and interests go in per batch (it was 11 per row).
    assert (large - small) / 40 <= 4
    people = JobSeeker.objects.all()
    assert people.count() == 80
    events = AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="jobseekers.JobSeeker"
    )
    assert sorted(int(e.object_id) for e in events) == sorted(p.pk for p in people)
    first = JobSeeker.objects.with_bsn(synthetic_bsn(1_000_000)).get()
    assert sorted(first.skills.values_list("name", flat=True)) == sorted(files.BULK_SKILLS[0:2])
    assert all(p.skills.exists() for p in people)
    assert not first.interests.exists()


def test_a_bsn_registered_while_the_batch_was_read_is_that_rows_error(world):
    """The batch's new files go in together; should one clash after all (someone registered
    that BSN meanwhile), the files are written one by one and only that row fails."""
    user = world["coordinator"]
    job = _upload(user, "jobseekers", files.bulk_jobseekers_csv(3, 3_000_000), "k.csv")
    job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    engine = services._Engine(job)
    batch = list(services.job_rows(job))
    engine.prepare(batch)
    outcomes = [engine.row(number, cells) for number, cells in batch]
    assert [o.action for o in outcomes] == [RowAction.CREATE] * 3
    JobSeekerFactory(bsn=synthetic_bsn(3_000_001))  # the second row's person, meanwhile
    engine.flush()
    assert [o.action for o in outcomes] == [RowAction.CREATE, RowAction.ERROR, RowAction.CREATE]
    assert outcomes[1].object_id is None
    assert "bestaat al" in outcomes[1].issues[0][3]
    assert synthetic_bsn(3_000_001) not in repr(outcomes[1].issues)
    for outcome, bsn in ((outcomes[0], 3_000_000), (outcomes[2], 3_000_002)):
        assert JobSeeker.objects.with_bsn(synthetic_bsn(bsn)).get().pk == outcome.object_id


def test_writing_many_job_seekers_is_all_or_nothing(world):
    from jobseekers import services as jobseeker_services

    user, data = world["coordinator"], {"first_name": "A", "last_name": "B"}
    existing = JobSeekerFactory()
    data |= {
        "birth_date": existing.birth_date,
        "postcode": existing.postcode,
        "municipality": existing.municipality,
    }
    built = [
        jobseeker_services.jobseeker_build(user=user, bsn=synthetic_bsn(n), data=data)
        for n in (4_000_000, 4_000_001)
    ]
    existing.set_bsn(synthetic_bsn(4_000_001))
    existing.save()
    with pytest.raises(ValidationError) as caught:
        jobseeker_services.jobseekers_create_many(
            user=user, new=[(p, ["koken"], ()) for p in built]
        )
    assert "bsn" in caught.value.error_dict
    assert JobSeeker.objects.count() == 1 and all(p.pk is None for p in built)


def test_the_words_of_every_choice_column_are_found_in_one_reading(world, monkeypatch):
    user = world["coordinator"]
    job = _upload(user, "jobseekers", files.jobseekers_xlsx(files.jobseeker_rows()), "k.xlsx")
    one_by_one = {
        f.key: services.distinct_values(job, f.key)
        for f in layouts.choice_fields(job.kind)
        if f.key in job.mapping.values()
    }
    assert one_by_one["ladder_step"] and one_by_one["has_driving_licence"]
    readings = []
    real = services.job_rows
    monkeypatch.setattr(services, "job_rows", lambda j: readings.append(1) or real(j))
    assert services.distinct_values_all(job) == one_by_one
    assert len(readings) == 1
    assert services.distinct_values(job, "bsn") == []
    assert (
        services.distinct_values_all(job, limit=1)["ladder_step"] == one_by_one["ladder_step"][:1]
    )
