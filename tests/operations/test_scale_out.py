"""Scale-out on one machine: two gunicorn web processes, two Celery workers and one beat on one
PostgreSQL and one Redis, with production settings. Requests alternate between the two web
processes, as a load balancer without sticky sessions would send them.

- a session made on web A works on web B (sessions live in the database, not in a process);
- the login lock-out counts failed attempts made on both processes together (Redis);
- sign-ups racing through both processes never fill a visit beyond its capacity (row lock);
- every due follow-up reaches the mail server exactly once with two workers competing.
"""

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from cryptography.fernet import Fernet
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail, Role
from tests.baanbrekers.test_followups_worker import make_due_followups, wait_until
from tests.jobseekers.factories import JobSeekerFactory
from tests.smtp import SMTPServer, free_port
from tests.users import PASSWORD, make_user, totp_code
from tests.visits.factories import VisitFactory
from tests.worker import start_worker, stop_worker, wait_for_worker
from visits.models import VisitSignUp

pytestmark = [pytest.mark.slow, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parents[2]
FOLLOWUPS = 200
CAPACITY = 3
CANDIDATES = 10
# Generous: a loaded two-core machine starts a Django process in many seconds.
START_TIMEOUT = 120


def fresh():
    connection.close()  # see what the other processes committed


def database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{connection.settings_dict['NAME']}"))


def production_password(user) -> None:
    """The test settings hash with MD5, which production does not accept."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=20_000)
    user.save(update_fields=["password"])


class Web:
    """``gunicorn`` serving the WSGI application on a free port, in its own process group."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "gunicorn", "baanbrekers.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "2"]
        command += [
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--no-control-socket",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, start_new_session=True)

    def ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{self.url}/livez", timeout=10).status_code == 200
        return False

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def log_in(session: requests.Session, web: Web, email: str, password: str) -> requests.Response:
    url = web.url + reverse("account_login")
    form = session.get(url, timeout=60)
    return session.post(
        url,
        {"login": email, "password": password, "csrfmiddlewaretoken": csrf_token(form.text)},
        timeout=60,
    )


def signed_in(session: requests.Session, web: Web, page: str = "jobseekers:list") -> bool:
    answer = session.get(web.url + reverse(page), timeout=60, allow_redirects=False)
    return answer.status_code == 200


@pytest.fixture
def keys(settings):
    """Real secrets, the same in this process (which makes the data) and in the servers."""
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    settings.BLIND_INDEX_KEY = secrets.token_urlsafe(48)
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0],
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
    }


@pytest.fixture
def cluster(keys, settings, tmp_path):
    smtp = SMTPServer().start()
    smtp.handler.reply_delay = 0.01
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-scaleout"
    # Its own cache prefix: lock-outs of an earlier run must not count.
    prefix = f"{settings.CACHES['default']['KEY_PREFIX']}-scaleout-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        **keys,
        "DJANGO_SETTINGS_MODULE": "tests.operations.scaleout_settings",
        "DEBUG": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CELERY_QUEUE": queue,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": smtp.url,
        # Plain HTTP on the loopback: no proxy terminates TLS here.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # No collectstatic in a test run: plain static storage instead of the manifest.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    from baanbrekers.celery import app

    with contextlib.suppress(Exception), app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)

    started = []
    try:
        webs = [Web(env) for _ in range(2)]
        started += [web.stop for web in webs]
        workers = []
        for _ in range(2):
            worker = start_worker(["--pool=prefork", "--concurrency=1"], env, queue=queue)
            workers.append(worker)
            started.append(lambda w=worker: stop_worker(w))
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "baanbrekers", "beat", "--loglevel=WARNING"]
            + ["--pidfile=", "--schedule", str(tmp_path / "beat-schedule")],
            cwd=PROJECT_DIR,
            env=env,
            start_new_session=True,
        )
        started.append(lambda: stop_group(beat))
        for web in webs:
            assert wait_until(web.ready, timeout=START_TIMEOUT, interval=0.5), "web not up"
        for worker in workers:
            wait_for_worker(worker, timeout=START_TIMEOUT)
        assert beat.poll() is None, "beat exited"
        yield {"webs": webs, "workers": workers, "smtp": smtp, "app": app}
    finally:
        for stop in reversed(started):
            stop()
        smtp.stop()
        from django.core.cache import cache

        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_two_web_processes_two_workers_and_one_beat_behave_as_one(cluster, heusden):
    web_a, web_b = cluster["webs"]
    caseworker = make_user("schaal.consulent@example.org", Role.CASEWORKER, [heusden])
    production_password(caseworker)
    visit = VisitFactory(capacity=CAPACITY, employer__municipality=heusden)
    candidates = [
        JobSeekerFactory(joins_visits=True, municipality=heusden) for _ in range(CANDIDATES)
    ]

    # --- A session made on A works on B --------------------------------------------------
    browser = requests.Session()
    answer = log_in(browser, web_a, caseworker.email, PASSWORD)
    assert answer.url.endswith(reverse("mfa_authenticate")), "staff pass two-factor next"
    answer = browser.post(
        answer.url,
        {"code": totp_code(), "csrfmiddlewaretoken": csrf_token(answer.text)},
        timeout=60,
    )
    assert signed_in(browser, web_a)
    assert signed_in(browser, web_b), "the session made on web A does not work on web B"
    assert not signed_in(requests.Session(), web_b), "control: without the session, no entry"

    # --- Sign-ups racing through both processes stay within capacity ----------------------
    cookies = browser.cookies.get_dict()
    start = threading.Barrier(CANDIDATES)

    def sign_up(index: int) -> int:
        web = (web_a, web_b)[index % 2]
        with requests.Session() as client:
            client.cookies.update(cookies)
            start.wait(timeout=60)
            response = client.post(
                f"{web.url}/api/v1/visits/{visit.pk}/jobseekers/",
                json={"jobseeker": candidates[index].pk},
                headers={"X-CSRFToken": cookies["csrftoken"]},
                timeout=120,
            )
        return response.status_code

    with ThreadPoolExecutor(CANDIDATES) as pool:
        statuses = list(pool.map(sign_up, range(CANDIDATES)))
    fresh()
    assert sorted(statuses) == [201] * CAPACITY + [400] * (CANDIDATES - CAPACITY), statuses
    assert VisitSignUp.objects.filter(visit=visit).count() == CAPACITY

    # --- Every due follow-up is sent exactly once, two workers competing -------------------
    smtp = cluster["smtp"]
    ids = make_due_followups(FOLLOWUPS)

    def all_sent() -> bool:
        fresh()
        return FollowUp.objects.filter(pk__in=ids, status=FollowUpStatus.SENT).count() == len(ids)

    # Nothing but beat queues the work: it fires the sweep and the delivery every second.
    assert wait_until(all_sent, timeout=180, interval=0.5), (
        f"{FollowUp.objects.filter(pk__in=ids, status=FollowUpStatus.SENT).count()} of "
        f"{len(ids)} sent"
    )
    message_ids = set(
        OutboxEmail.objects.filter(followup_id__in=ids).values_list("message_id", flat=True)
    )
    per_message = smtp.handler.per_message_id()
    assert len(message_ids) == len(ids)
    assert {mid: per_message[mid] for mid in message_ids} == dict.fromkeys(message_ids, 1)
    assert not {mid: n for mid, n in per_message.items() if n > 1}, "a mail arrived twice"
    # Both workers took part: each ran sending tasks that beat queued.
    stats = (
        cluster["app"]
        .control.inspect(destination=[w.hostname for w in cluster["workers"]], timeout=10)
        .stats()
    )
    for worker in cluster["workers"]:
        done = (stats or {}).get(worker.hostname, {}).get("total", {})
        assert done.get("baanbrekers.outbox_deliver", 0) + done.get(
            "baanbrekers.followups_send_due", 0
        ), f"worker {worker.hostname} sent nothing: {stats}"

    # --- The login lock-out counts attempts on both processes together ---------------------
    # Last: the lock-out also counts per address, and every request here comes from 127.0.0.1.
    employer_contact = make_user("schaal.werkgever@example.org", Role.EMPLOYER_CONTACT)
    production_password(employer_contact)
    for attempt in range(5):  # the limit is 5 per 5 minutes: 3 on A, 2 on B
        web = web_a if attempt % 2 == 0 else web_b
        wrong = log_in(requests.Session(), web, employer_contact.email, "wrong-password-123")
        assert "Te veel" not in wrong.text, f"locked out after only {attempt} failures"
    # The right password on A, which saw only three failures itself: locked out all the same.
    guest = requests.Session()
    answer = log_in(guest, web_a, employer_contact.email, PASSWORD)
    assert "Te veel inlogpogingen" in answer.text
    assert not signed_in(guest, web_a, "account_email")
