"""No personal data in the logs (issue 15), and the request id in the worker's lines.

A representative flow runs with every log line captured: in this process (the pages: a job
seeker created with a BSN, the file opened, searched, the BSN revealed) at DEBUG, and a real
worker's lines (JSON, DEBUG) while it mails follow-ups about that person, one of them to the
person's own address, which the mail server refuses (the error names the address). Neither may
hold the BSN, the person's email address or names.
"""

import json
import logging
import os
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from baanbrekers.celery import app
from baanbrekers.followups import followup_schedule
from baanbrekers.models import OutboxEmail, OutboxStatus
from baanbrekers.tasks import followups_send_due
from jobseekers.models import JobSeeker
from tests.worker import start_worker, stop_worker, wait_for_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BSN = "123456782"
EMAIL = "noor.de-wit@mail.example.net"
FIRST, LAST = "Noortje", "Wijnhoven"


def wait_until(predicate, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection.close()
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def worker_log(tmp_path, smtp_server, monkeypatch):
    """A worker of its own (own queue, JSON lines at DEBUG into a file, mail to the recording
    SMTP server); tasks queued by this process go to its queue."""
    queue = f"bb-obs-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    path = tmp_path / "worker.log"
    worker = start_worker(
        ["--pool=solo", "--loglevel=DEBUG", "--logfile", str(path)],
        env_overrides={"LOG_FORMAT": "json", "EMAIL_URL": smtp_server.url},
        queue=queue,
    )
    try:
        wait_for_worker(worker)
        yield path
    finally:
        stop_worker(worker)


def json_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def test_no_bsn_email_or_name_in_the_logs_of_a_representative_flow(
    client, caseworker_heusden, heusden, smtp_server, worker_log, caplog
):
    caplog.set_level(logging.DEBUG)
    smtp_server.handler.refuse[EMAIL] = "550 5.1.1 No such user"
    client.force_login(caseworker_heusden)

    # Pages: create with a BSN, open, search by name, reveal.
    response = client.post(
        reverse("jobseekers:create"),
        {
            "first_name": FIRST,
            "last_name": LAST,
            "bsn": BSN,
            "email": EMAIL,
            "birth_date": "1992-03-04",
            "postcode": "5251ab",
            "municipality": heusden.pk,
            "status": "active",
            "benefit_type": "pw",
            "ladder_step": "3",
            "hours_available": "24",
            "max_travel_km": "15",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = JobSeeker.objects.get()
    assert client.get(reverse("jobseekers:detail", args=[person.pk])).status_code == 200
    assert client.get(reverse("jobseekers:list"), {"q": LAST}).status_code == 200
    reveal = client.post(reverse("jobseekers:reveal_bsn", args=[person.pk]), HTTP_HX_REQUEST="true")
    assert BSN in reveal.content.decode()
    assert client.get("/no-such-page/", {"q": EMAIL}).status_code == 404

    # Follow-ups about the person, mailed by the worker: one to the caseworker (delivered,
    # naming the person), one to the person's address (refused by the mail server).
    today = timezone.localdate()
    params = {"name": f"{FIRST} {LAST}", "employer": "Bakkerij", "date": "1 maart"}
    followup_schedule(
        kind="visit.cancelled",
        subject=person,
        due_on=today,
        params=params,
        assignee=caseworker_heusden,
    )
    followup_schedule(
        kind="visit.cancelled",
        subject=caseworker_heusden,
        due_on=today,
        params=params,
        recipient_email=EMAIL,
    )
    followups_send_due.delay()
    assert wait_until(
        lambda: (
            OutboxEmail.objects.filter(status__in=[OutboxStatus.SENT, OutboxStatus.FAILED]).count()
            == 2
        )
    ), list(OutboxEmail.objects.values_list("status", "last_error"))
    assert OutboxEmail.objects.get(to=EMAIL).status == OutboxStatus.FAILED
    assert smtp_server.handler.count() == 1  # the caseworker's mail, naming the person

    worker_text = worker_log.read_text()
    # The refusal was logged, its address blanked out: the redaction is what kept it out.
    assert "[email]" in worker_text
    # The recording SMTP server of the test (aiosmtpd, logger "mail.log") is no part of ours.
    ours = "\n".join(
        f"{record.name} {record.getMessage()}"
        for record in caplog.records
        if not record.name.startswith("mail.log")
    )
    everything = {"this process (DEBUG)": ours, "the worker (DEBUG)": worker_text}
    for where, text in everything.items():
        for secret in (BSN, EMAIL, FIRST, LAST):
            assert secret.lower() not in text.lower(), f"{secret!r} in the log of {where}"


def test_the_request_id_follows_a_request_into_the_task_it_queues(client, coordinator, worker_log):
    from stats.models import RollupState

    RollupState.objects.get_or_create(pk=1)
    client.force_login(coordinator)
    request_id = "obs-test-0123456789abcdef"
    response = client.post(
        "/admin/stats/rollupstate/",
        {"action": "rebuild", "_selected_action": ["1"]},
        HTTP_X_REQUEST_ID=request_id,
    )
    assert response.status_code == 302, response.status_code
    assert response["X-Request-ID"] == request_id

    def task_lines():
        return [
            line
            for line in json_lines(worker_log)
            if line.get("task_name") == "stats.figures_rebuild"
        ]

    assert wait_until(lambda: any("finished" in line["message"] for line in task_lines()))
    lines = task_lines()
    assert {line["request_id"] for line in lines} == {request_id}
    assert {"task_id", "time", "level", "logger"} <= set(lines[0])
    # A task nobody's request queued gets an id of its own.
    app.send_task("baanbrekers.ping", queue=app.conf.task_default_queue)
    assert wait_until(
        lambda: any(line.get("task_name") == "baanbrekers.ping" for line in json_lines(worker_log))
    )
    ping = [line for line in json_lines(worker_log) if line.get("task_name") == "baanbrekers.ping"]
    assert ping[0]["request_id"] not in ("-", request_id)
