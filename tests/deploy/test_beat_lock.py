"""Exactly one beat schedules: a second one, started by mistake, sends nothing while the first
holds the lock in Redis, and takes over when the first goes (baanbrekers/beat.py).

Sends are counted where they land: a probe task on its own queue in the real broker (no worker
reads it), and attributed to a beat by the line each beat logs for every task it sends."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.worker import PROJECT_DIR, _test_database_url

PROBE = "beat-lock-probe"


def _broker():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


@pytest.fixture
def probe_queue():
    from django.conf import settings

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-beat-probe"
    client = _broker()
    client.delete(queue)
    yield queue
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()


def _probe_task(queue: str, *, every_seconds: int, last_run_at):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(
        every=every_seconds, period=IntervalSchedule.SECONDS
    )
    return PeriodicTask.objects.create(
        name=PROBE,
        task="tests.deploy.beat_probe",  # never run: no worker reads the probe's queue
        interval=interval,
        queue=queue,
        last_run_at=last_run_at,
    )


def _sent(queue: str) -> int:
    return _broker().llen(queue)


def _wait(condition, what: str, timeout: float = 90.0, processes=()):
    """Waits for what the test waits for (no fixed sleeps); the ceiling only stops a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for process in processes:
            if process.poll() is not None:
                raise AssertionError(f"a beat exited ({process.returncode}) before: {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {what}")


def _tick_until(scheduler, condition, ticks: int = 50) -> None:
    for _ in range(ticks):
        scheduler.tick()
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("the scheduler did not get there")


@pytest.mark.django_db(transaction=True)
def test_a_second_scheduler_sends_nothing_until_the_holder_closes(probe_queue, settings):
    from django_celery_beat.models import PeriodicTask, PeriodicTasks

    from baanbrekers.beat import LockedDatabaseScheduler, lock_key
    from baanbrekers.celery import app

    # Due at once and then not for an hour: each scheduler that may schedule sends it once.
    probe = _probe_task(
        probe_queue, every_seconds=3600, last_run_at=timezone.now() - timedelta(hours=2)
    )
    first = LockedDatabaseScheduler(app=app)
    second = LockedDatabaseScheduler(app=app)
    try:
        _tick_until(first, lambda: _sent(probe_queue) == 1)
        # The second one read the same due task from the database, and would send it again.
        for _ in range(5):
            assert second.tick() == pytest.approx(settings.BEAT_LOCK_TTL / 3)
        assert _sent(probe_queue) == 1
        assert _broker().get(lock_key()).decode() == first.lock_token

        first.close()  # saves the last run time, releases the lock
        assert _broker().get(lock_key()) is None
        # Taking over, the second reads the schedule afresh: the task was sent, nothing is due.
        for _ in range(5):
            second.tick()
        assert _broker().get(lock_key()).decode() == second.lock_token
        assert _sent(probe_queue) == 1

        # Due again: now the second one sends it.
        PeriodicTask.objects.filter(pk=probe.pk).update(
            last_run_at=timezone.now() - timedelta(hours=2)
        )
        PeriodicTasks.update_changed()
        _tick_until(second, lambda: _sent(probe_queue) == 2)
    finally:
        first.close()
        second.close()
    assert _broker().get(lock_key()) is None


def _start_beat(log: Path, lock_ttl: int) -> subprocess.Popen:
    from django.conf import settings
    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test",
        "DATABASE_URL": _test_database_url(connection.settings_dict["NAME"]),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
        "BEAT_LOCK_TTL": str(lock_ttl),
    }
    command = [sys.executable, "-m", "celery", "-A", "baanbrekers", "beat"]
    command += ["--loglevel=INFO", "--pidfile="]
    with log.open("w") as out:
        return subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _sends(log: Path) -> int:
    return log.read_text().count(f"Sending due task {PROBE} ")


def _says(log: Path, text: str) -> bool:
    return text in log.read_text()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_send_each_task_once_and_the_second_takes_over(probe_queue, tmp_path):
    """Two real `celery beat` processes on the real database and Redis; the first is killed
    (SIGKILL: no release) and the second takes over after the lock's time-to-live."""
    _probe_task(probe_queue, every_seconds=1, last_run_at=None)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = _start_beat(first_log, lock_ttl=3)
    second = None
    try:
        _wait(lambda: _sends(first_log) >= 2, "the first beat sends", processes=[first])
        assert _says(first_log, "holds the beat lock")

        second = _start_beat(second_log, lock_ttl=3)
        _wait(
            lambda: _says(second_log, "another beat holds the beat lock"),
            "the second beat waits",
            processes=[first, second],
        )
        sent_before = _sends(first_log)
        _wait(
            lambda: _sends(first_log) >= sent_before + 3,
            "the first beat goes on sending beside the second",
            processes=[first, second],
        )
        assert _sends(second_log) == 0

        _stop(first, signal.SIGKILL)
        _wait(
            lambda: _sends(second_log) >= 2,
            "the second beat takes over and sends",
            processes=[second],
        )
        assert _says(second_log, "holds the beat lock")
        assert not _says(first_log, "released the beat lock")  # killed: the TTL freed it
        _stop(second)
        assert _says(second_log, "released the beat lock")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                _stop(process, signal.SIGKILL)

    # Every message on the queue is one that exactly one beat logged sending: none hidden.
    assert _sent(probe_queue) == _sends(first_log) + _sends(second_log)


def test_the_beat_liveness_probe_reads_the_heartbeat(tmp_path):
    """`python -m baanbrekers.beat alive`, as the orchestrator runs it (the heartbeat lives in
    the temporary folder, here a fresh one)."""

    def probe() -> int:
        env = {**os.environ, "TMPDIR": str(tmp_path)}
        command = [sys.executable, "-m", "baanbrekers.beat", "alive", "--max-age", "60"]
        return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True).returncode

    assert probe() == 1  # no beat has ticked
    heartbeat = tmp_path / "baanbrekers-beat.alive"
    heartbeat.touch()
    assert probe() == 0
    old = time.time() - 300
    os.utime(heartbeat, (old, old))
    assert probe() == 1
