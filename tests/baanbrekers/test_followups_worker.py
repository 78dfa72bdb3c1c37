"""Exactly-once sending with real Celery workers on Redis: killed mid-batch, triggered twice,
and killed (with their pool children) again and again while the mail server has the message,
with a Redis restart in between."""

import contextlib
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from baanbrekers.models import FollowUp, FollowUpStatus, Municipality, OutboxEmail, OutboxStatus
from baanbrekers.tasks import followups_send_due
from tests.smtp import SMTPServer, free_port
from tests.worker import kill_worker, start_worker, stop_worker, wait_for_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = 400
# Short enough that rows a killed worker left "sending" are reconciled within the test.
FAST_RECONCILE = {"OUTBOX_SENDING_TIMEOUT": "3", "EMAIL_TIMEOUT": "5"}
SETTLED = (FollowUpStatus.SENT, FollowUpStatus.UNCERTAIN)


def make_due_followups(
    n: int, address=lambda i: f"person{i}@example.org", start: int = 0
) -> list[int]:
    municipality, _ = Municipality.objects.get_or_create(
        cbs_code="GM9999", defaults={"name": "Proefgemeente"}
    )
    today = timezone.localdate()
    rows = FollowUp.objects.bulk_create(
        FollowUp(
            kind="test.kill",
            title=f"Opvolging {i}",
            subject_type="baanbrekers.Municipality",
            subject_id=f"{municipality.pk}-{i}",
            recipient_email=address(i),
            due_on=today - timezone.timedelta(days=i % 3),
        )
        for i in range(start, start + n)
    )
    return [row.pk for row in rows]


def wait_until(predicate, timeout=60.0, interval=0.02, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if tick is not None:
            tick()
        time.sleep(interval)
    return False


def fresh():
    connection.close()  # a fresh snapshot each time


def claimed_count() -> int:
    fresh()
    return FollowUp.objects.exclude(status=FollowUpStatus.PENDING).count()


def settled_count() -> int:
    fresh()
    return FollowUp.objects.filter(status__in=SETTLED).count()


def assert_each_rendered_once_and_settled():
    assert OutboxEmail.objects.count() == ROWS
    assert OutboxEmail.objects.values("followup").distinct().count() == ROWS
    # No row was put in the outbox twice, not even one that was rolled back and redone.
    assert set(FollowUp.objects.values_list("attempts", flat=True)) == {1}
    assert FollowUp.objects.filter(status__in=SETTLED).count() == ROWS
    # A row is sent at most once: an uncertain one is left for a person, never resent.
    assert set(OutboxEmail.objects.values_list("attempts", flat=True)) == {1}


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice():
    queue = "bbt-kill"
    make_due_followups(ROWS)
    first = start_worker(
        ["--pool=prefork", "--concurrency=1"], queue=queue, env_overrides=FAST_RECONCILE
    )
    try:
        wait_for_worker(first)
        followups_send_due.apply_async(queue=queue)
        assert wait_until(lambda: claimed_count() >= 20), "the first worker never started"
        kill_worker(first)
    finally:
        stop_worker(first)
    partial = claimed_count()
    assert 0 < partial < ROWS, "the kill must land in the middle of the batch"

    second = start_worker(
        ["--pool=prefork", "--concurrency=1"], queue=queue, env_overrides=FAST_RECONCILE
    )
    try:
        wait_for_worker(second)
        # The periodic sweep fires again; the database says what is still due.
        followups_send_due.apply_async(queue=queue)
        beat = Beat(lambda: followups_send_due.apply_async(queue=queue), every=1.0)
        assert wait_until(lambda: settled_count() == ROWS, timeout=120, tick=beat), (
            f"only {settled_count()} settled"
        )
    finally:
        stop_worker(second)
    fresh()
    assert_each_rendered_once_and_settled()


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
        assert wait_until(lambda: settled_count() == ROWS, timeout=120), (
            f"only {settled_count()} sent"
        )
    finally:
        stop_worker(worker)
    fresh()
    assert_each_rendered_once_and_settled()
    assert FollowUp.objects.filter(status=FollowUpStatus.SENT).count() == ROWS


class Beat:
    """Calls ``send`` at most every ``every`` seconds when ticked: the test's celery beat."""

    def __init__(self, send, every=0.5):
        self.send, self.every, self.last = send, every, 0.0

    def __call__(self):
        if time.monotonic() - self.last >= self.every:
            self.last = time.monotonic()
            # The broker may be away (being restarted): beat's next tick tries again.
            with contextlib.suppress(Exception):
                self.send()


class PrivateRedis:
    """A redis-server of this test's own, on a free port: it is restarted mid-test, which the
    shared one must never be."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        assert wait_until(lambda: _pings(client), timeout=10), "redis-server did not start"
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self):
        self.stop()
        self.start()


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False


class Trap:
    """Kills the armed worker's whole process group from inside the SMTP server, at a chosen
    moment of a delivery: while the message is being addressed (RCPT), the moment the server has
    it (before it answers "250"), or just after the "250" (while the worker records it)."""

    MODES = ("rcpt", "accepted", "after_reply", "after_reply_later")

    def __init__(self):
        self.lock = threading.Lock()
        self.pgid = None
        self.mode = None
        self.countdown = 0
        self.fired = threading.Event()
        self.kills = Counter()

    def arm(self, pgid: int, mode: str, after: int) -> None:
        with self.lock:
            self.pgid, self.mode, self.countdown = pgid, mode, after
            self.fired.clear()

    def _kill(self, pgid, mode) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.kills[mode] += 1
        self.fired.set()

    def __call__(self, stage: str) -> None:
        with self.lock:
            if self.pgid is None:
                return
            wanted = "rcpt" if self.mode == "rcpt" else "accepted"
            if stage != wanted:
                return
            self.countdown -= 1
            if self.countdown > 0:
                return
            pgid, mode, self.pgid = self.pgid, self.mode, None
        if mode in ("rcpt", "accepted"):
            self._kill(pgid, mode)
        else:
            # After the reply: the worker is recording "sent" right now (or about to).
            delay = 0.0 if mode == "after_reply" else random.uniform(0.005, 0.05)
            threading.Timer(0.06 + delay, self._kill, args=(pgid, mode)).start()


@pytest.mark.slow
def test_mail_arrives_exactly_once_or_is_uncertain_through_20_kills_and_a_redis_restart():
    """Every due follow-up reaches the (real, in-process) mail server exactly once, or is shown
    as uncertain; none twice, none lost. Workers (with their pool children) are SIGKILLed 20+
    times during delivery and Redis is restarted once while a worker works."""
    started = time.monotonic()
    batch = 150
    kills_wanted = 22
    rng = random.Random(13)
    ids = make_due_followups(batch)
    smtp = SMTPServer().start()
    smtp.handler.reply_delay = 0.05
    trap = Trap()
    smtp.handler.on_stage = trap
    redis_server = PrivateRedis().start()
    sender = Celery("bbt-sender", broker=redis_server.url)
    queue = "bbt-exactly-once"
    env = {
        "REDIS_URL": redis_server.url,
        "EMAIL_URL": smtp.url,
        **FAST_RECONCILE,
    }

    def beat():
        sender.send_task("baanbrekers.followups_send_due", queue=queue)
        sender.send_task("baanbrekers.outbox_deliver", queue=queue)

    def worker():
        process = start_worker(
            ["--pool=prefork", "--concurrency=1"], queue=queue, env_overrides=env
        )
        try:
            wait_for_worker(process, timeout=60, app=sender)
        except BaseException:
            kill_worker(process)  # never leave a worker behind
            raise
        return process

    redis_restarted = False
    try:
        cycle = 0
        while sum(trap.kills.values()) < kills_wanted:
            cycle += 1
            assert cycle < kills_wanted * 3, f"kills did not land: {dict(trap.kills)}"
            if len(ids) - settled_count() < 40:
                # A fast machine delivers a lot between kills: more mail keeps the kills coming
                # (the count of kills must never depend on how much was left to send).
                ids += make_due_followups(batch, start=len(ids))
            process = worker()
            try:
                if cycle == kills_wanted // 2 and not redis_restarted:
                    # Redis goes away under a working worker and comes back empty.
                    tick = Beat(beat, every=0.3)
                    before = smtp.handler.count()
                    assert wait_until(lambda n=before: smtp.handler.count() >= n + 3, tick=tick)
                    redis_server.restart()
                    redis_restarted = True
                    after = smtp.handler.count()
                    assert wait_until(
                        lambda n=after: smtp.handler.count() >= n + 3, timeout=90, tick=tick
                    ), "the worker did not carry on after Redis came back"
                mode = Trap.MODES[cycle % len(Trap.MODES)]
                trap.arm(process.pid, mode, after=rng.randint(1, 3))
                tick = Beat(beat, every=0.3)
                fired = wait_until(trap.fired.is_set, timeout=60, tick=tick)
                if fired:
                    process.wait(timeout=15)
            finally:
                trap.arm(None, None, 0)
                kill_worker(process)
            print(f"cycle {cycle}: kills {dict(trap.kills)}, {smtp.handler.count()} delivered")

        # A worker that is left alone settles the rest: queued mail goes out, mail a killed
        # worker left "sending" is reconciled as uncertain after the timeout.
        process = worker()
        try:
            assert wait_until(
                lambda: settled_count() == len(ids), timeout=120, interval=0.2, tick=Beat(beat, 0.5)
            ), f"not settled: {Counter(FollowUp.objects.values_list('status', flat=True))}"
        finally:
            stop_worker(process)
    finally:
        smtp.stop()
        redis_server.stop()

    fresh()
    kills = sum(trap.kills.values())
    per_message = smtp.handler.per_message_id()
    statuses = dict(FollowUp.objects.filter(pk__in=ids).values_list("pk", "status"))
    message_ids = dict(OutboxEmail.objects.values_list("followup_id", "message_id"))
    sent = [pk for pk, s in statuses.items() if s == FollowUpStatus.SENT]
    uncertain = [pk for pk, s in statuses.items() if s == FollowUpStatus.UNCERTAIN]
    duplicates = {mid: n for mid, n in per_message.items() if n > 1}
    uncertain_arrived = sum(1 for pk in uncertain if per_message[message_ids[pk]] == 1)
    elapsed = time.monotonic() - started
    print(
        f"\nexactly-once: {kills} kills {dict(trap.kills)}, redis restarted "
        f"{int(redis_restarted)}x, {len(ids)} follow-ups, {sum(per_message.values())} deliveries, "
        f"{len(duplicates)} duplicates, {len(sent)} sent, {len(uncertain)} uncertain "
        f"({uncertain_arrived} of which had arrived), {elapsed:.0f} s"
    )

    assert kills >= 20 and redis_restarted
    assert not duplicates, f"sent twice: {duplicates}"
    assert len(sent) + len(uncertain) == len(ids), "a follow-up was lost"
    for pk in sent:
        assert per_message[message_ids[pk]] == 1, f"follow-up {pk} is sent but never arrived"
    for pk in uncertain:
        assert per_message[message_ids[pk]] <= 1
    assert set(per_message) <= set(message_ids.values())
    assert set(OutboxEmail.objects.values_list("status", flat=True)) <= {
        OutboxStatus.SENT,
        OutboxStatus.UNCERTAIN,
    }
