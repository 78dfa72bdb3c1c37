"""Large imports: in the background on a real Celery worker, progress visible outside the
import's own transaction, cancelling between batches, memory flat while streaming."""

import threading
import time
import tracemalloc

import pytest
from django.db import connections
from django.test import override_settings

from imports import services
from imports.models import ImportJob, ImportStatus
from jobseekers.models import JobSeeker
from tests.imports import files
from tests.worker import start_worker, stop_worker, wait_for_worker


def _upload(user, data, name="klanten.csv"):
    return services.import_upload(
        user=user, kind="jobseekers", uploaded_file=files.upload(data, name)
    )


def _status_elsewhere(job_id):
    """The job's row as another connection (a page) sees it: only what is committed."""
    conn = connections.create_connection("default")
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                "SELECT status, processed_rows FROM imports_importjob WHERE id = %s", [job_id]
            )
            return cursor.fetchone()
    finally:
        conn.close()


def _checked_and_confirmed(user, rows):
    """A file of ``rows`` people, mapped, dry-run and marked "importing" (as import_confirm
    does before it queues the task)."""
    job = _upload(user, files.bulk_jobseekers_csv(rows))
    services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    job = services.import_dry_run(job_id=job.pk)
    assert job.status == ImportStatus.READY and job.counts["create"] == rows
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING)
    return job


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_BATCH_SIZE=10, IMPORT_INLINE_ROWS=10)
def test_progress_is_visible_to_other_connections_while_the_import_transaction_is_open(
    world, monkeypatch
):
    user = world["coordinator"]
    job = _checked_and_confirmed(user, 35)

    seen = []
    original = services._Side.progress

    def progress(self, processed):
        original(self, processed)
        seen.append((_status_elsewhere(self.job_id), JobSeeker.objects.count()))

    monkeypatch.setattr(services._Side, "progress", progress)
    job = services.import_apply(job_id=job.pk)
    assert job.status == ImportStatus.DONE
    # After each batch another connection saw the progress, while the people created so far
    # (visible inside the import's transaction) were not committed yet.
    assert [s for s, _n in seen] == [
        ("importing", 10),
        ("importing", 20),
        ("importing", 30),
        ("importing", 35),
    ]
    assert [n for _s, n in seen] == [10, 20, 30, 35]
    assert JobSeeker.objects.count() == 35


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_BATCH_SIZE=10, IMPORT_INLINE_ROWS=10)
def test_cancel_during_the_import_rolls_back_every_batch_already_done(world, monkeypatch):
    user = world["coordinator"]
    job = _checked_and_confirmed(user, 40)

    original = services._Side.progress

    def progress(self, processed):
        original(self, processed)
        if processed == 20:
            # The coordinator presses "Annuleren" on the page: another thread, another
            # connection, committed at once.
            def cancel():
                try:
                    services.import_cancel(user=user, job=ImportJob.objects.get(pk=job.pk))
                finally:
                    connections.close_all()

            thread = threading.Thread(target=cancel)
            thread.start()
            thread.join()

    monkeypatch.setattr(services._Side, "progress", progress)
    job = services.import_apply(job_id=job.pk)
    assert job.status == ImportStatus.CANCELLED
    assert JobSeeker.objects.count() == 0
    assert not job.parts.exists() and job.file_deleted_at is not None


@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_BATCH_SIZE=10, IMPORT_INLINE_ROWS=10)
def test_cancel_during_the_dry_run_stops_it_and_deletes_the_file(world, monkeypatch):
    user = world["coordinator"]
    job = _upload(user, files.bulk_jobseekers_csv(40))
    services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    calls = []
    original = services._Engine.prepare

    def prepare(self, batch):
        calls.append(len(batch))
        if len(calls) == 2:  # cancelled from the page (another connection) during batch 2
            conn = connections.create_connection("default")
            with conn.cursor() as cursor:
                cursor.execute(
                    "UPDATE imports_importjob SET status = 'cancelled' WHERE id = %s", [job.pk]
                )
            conn.close()
        return original(self, batch)

    monkeypatch.setattr(services._Engine, "prepare", prepare)
    job = services.import_dry_run(job_id=job.pk)
    assert job.status == ImportStatus.CANCELLED
    assert calls == [10, 10]  # the third batch never started
    assert not job.parts.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@override_settings(IMPORT_INLINE_ROWS=10)
def test_a_large_file_is_checked_and_imported_by_a_real_worker(world):
    user = world["coordinator"]
    worker = start_worker(["--pool=solo"], env_overrides={"IMPORT_BATCH_SIZE": "15"})
    try:
        wait_for_worker(worker)
        job = _upload(user, files.bulk_jobseekers_csv(45))
        job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
        job = services.import_dry_run_start(user=user, job=job)
        assert job.status == ImportStatus.VALIDATING  # queued, not inline
        job = _wait(job, ImportStatus.READY)
        assert job.counts["create"] == 45 and job.processed_rows == 45
        job = services.import_confirm(user=user, job=job)
        assert job.status == ImportStatus.IMPORTING
        seen = []
        job = _wait(job, ImportStatus.DONE, seen)
        assert seen == sorted(seen)  # progress only goes up
        assert job.progress_percent == 100 and job.counts["create"] == 45
        assert JobSeeker.objects.count() == 45
        assert not job.parts.exists()
    finally:
        stop_worker(worker)


def _wait(job, status, seen=None, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if seen is not None:
            seen.append(job.processed_rows)
        if job.status == status:
            return job
        assert job.status not in (ImportStatus.FAILED, ImportStatus.CANCELLED), job.failure
        time.sleep(0.2)
    raise AssertionError(f"import still {job.status} after {timeout} s")


@pytest.mark.slow
@pytest.mark.django_db
def test_fifty_thousand_rows_are_stored_counted_and_streamed_in_flat_memory(world):
    """The 50,000-row file: uploaded, encrypted, counted, and every row read and parsed by the
    engine with the Python heap staying far below the file's own size times a few (the file
    is never held whole). The full dry run and import of this file: bench/import_bench.py."""
    user = world["coordinator"]
    data = files.bulk_jobseekers_csv(50_000)
    job = _upload(user, data)
    assert job.total_rows == 50_000 and job.parts.count() == len(data) // (1024 * 1024) + 1
    del data
    engine = services._Engine(job)
    tracemalloc.start()
    rows = errors = 0
    for number, cells in services.job_rows(job):
        _values, outcome = engine.read(number, cells)
        rows += 1
        errors += outcome.action == "error"
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == 50_000 and errors == 0
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.django_db(transaction=True)
def test_an_inline_import_inside_a_callers_transaction_does_not_wait_for_itself(world):
    """A page that confirms inside its own transaction holds the job row; the progress
    connection must not wait for it (it gives up on that figure instead)."""
    from django.db import transaction

    user = world["coordinator"]
    job = services.import_upload(
        user=user,
        kind="employers",
        uploaded_file=files.upload(files.employers_csv(messy=False), "b.csv"),
    )
    job = services.import_mapping_set(user=user, job=job, mapping=job.mapping)
    job = services.import_dry_run_start(user=user, job=job)
    with transaction.atomic():
        job = services.import_confirm(user=user, job=job)
    assert job.status == ImportStatus.DONE and job.counts["create"] == 3
