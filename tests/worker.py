"""A real Celery worker process on the real Redis broker, working on the test database."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import ConnectionError as RedisConnectionError

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _test_database_url(test_db_name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{test_db_name}"))


def start_worker(extra_args=(), env_overrides=None, queue=None) -> subprocess.Popen:
    """Starts ``celery worker`` in its own process group (so a test can SIGKILL all of it)."""
    from django.conf import settings
    from django.db import connection

    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    hostname = f"test-{queue}-{os.getpid()}-{time.monotonic_ns()}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test",
        "DATABASE_URL": _test_database_url(connection.settings_dict["NAME"]),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **(env_overrides or {}),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "baanbrekers",
        "worker",
        "--loglevel=WARNING",
        "--without-mingle",
        "--without-gossip",
        "-Q",
        queue,
        "--hostname",
        hostname,
        *extra_args,
    ]
    process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, start_new_session=True)
    process.hostname = hostname
    return process


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool children at once: no warm or cold shutdown."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def wait_for_worker(process: subprocess.Popen, timeout: float = 30, app=None) -> None:
    """Waits until this worker answers a ping (on ``app``'s broker: the project's by default)."""
    if app is None:
        from baanbrekers.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}")
        # Ask this worker by name: another one answering proves nothing. A broker that was
        # just restarted drops the first pooled connection: ask again.
        try:
            if app.control.ping(destination=[process.hostname], timeout=0.5):
                return
        except (ConnectionError, RedisConnectionError, BrokerError):
            time.sleep(0.2)
    raise RuntimeError("the Celery worker did not answer in time")


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_worker(process)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """One worker for the session (solo pool). Tests that use it need committed data:
    mark them ``django_db(transaction=True)``."""
    process = start_worker(["--pool=solo"])
    try:
        wait_for_worker(process)
        yield process
    finally:
        stop_worker(process)
