"""Exactly-once sending with real Celery workers on Redis, killed mid-batch or triggered twice."""

import time

import pytest
from django.db import connection
from django.utils import timezone

from baanbrekers.models import FollowUp, FollowUpStatus, Municipality, OutboxEmail
from baanbrekers.tasks import followups_send_due
from tests.worker import kill_worker, start_worker, stop_worker, wait_for_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 400


def make_due_followups(n: int) -> None:
    municipality = Municipality.objects.create(name="Proefgemeente", cbs_code="GM9999")
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(
            kind="test.kill",
            title=f"Opvolging {i}",
            subject_type="baanbrekers.Municipality",
            subject_id=f"{municipality.pk}-{i}",
            recipient_email=f"person{i}@example.org",
            due_on=today - timezone.timedelta(days=i % 3),
        )
        for i in range(n)
    )


def wait_until(predicate, timeout=60.0, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def sent_count() -> int:
    connection.close()  # a fresh snapshot each time
    return FollowUp.objects.filter(status=FollowUpStatus.SENT).count()


def assert_each_sent_exactly_once():
    assert FollowUp.objects.filter(status=FollowUpStatus.SENT).count() == ROWS
    assert OutboxEmail.objects.count() == ROWS
    assert OutboxEmail.objects.values("followup").distinct().count() == ROWS
    # No send was recorded twice, not even one that was rolled back and redone.
    assert set(FollowUp.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice():
    queue = "bbt-kill"
    make_due_followups(ROWS)
    first = start_worker(["--pool=prefork", "--concurrency=1"], queue=queue)
    try:
        wait_for_worker(first)
        followups_send_due.apply_async(queue=queue)
        assert wait_until(lambda: sent_count() >= 20), "the first worker never started"
        kill_worker(first)
    finally:
        stop_worker(first)
    partial = sent_count()
    assert 0 < partial < ROWS, "the kill must land in the middle of the batch"

    second = start_worker(["--pool=prefork", "--concurrency=1"], queue=queue)
    try:
        wait_for_worker(second)
        # The periodic sweep fires again; the database says what is still due.
        followups_send_due.apply_async(queue=queue)
        assert wait_until(lambda: sent_count() == ROWS), f"only {sent_count()} sent"
    finally:
        stop_worker(second)
    connection.close()
    assert_each_sent_exactly_once()


def test_beat_firing_twice_sends_each_followup_once():
    queue = "bbt-twice"
    make_due_followups(ROWS)
    worker = start_worker(["--pool=prefork", "--concurrency=2"], queue=queue)
    try:
        wait_for_worker(worker)
        results = [followups_send_due.apply_async(queue=queue) for _ in range(2)]
        for result in results:
            result.get(timeout=120)
        # A full batch queues a follow-on run; wait for the database to say all is sent.
        assert wait_until(lambda: sent_count() == ROWS), f"only {sent_count()} sent"
    finally:
        stop_worker(worker)
    connection.close()
    assert_each_sent_exactly_once()
