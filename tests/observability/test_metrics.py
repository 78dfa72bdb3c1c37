"""/metrics (issue 15): behind a bearer token; latency per view, queries per request, and the
gauges read at scrape time (queue depth, outbox backlog, oldest due follow-up, roll-up)."""

import datetime
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail
from tests.worker import PROJECT_DIR, _test_database_url

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def value(text: str, sample: str) -> float:
    """The value of one sample line (``name{labels}``) of the exposition."""
    for line in text.splitlines():
        if line.startswith(sample + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{sample} not in the exposition")


def test_metrics_is_not_there_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_is_not_there_with_a_guessable_token(client, settings):
    settings.METRICS_TOKEN = "secret"
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer secret")
    assert response.status_code == 404
    assert b"baanbrekers_" not in response.content


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"],
)
def test_metrics_refuses_without_the_right_bearer_token(client, metrics_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"baanbrekers_" not in response.content


@pytest.mark.django_db
def test_metrics_answers_by_pod_address_over_plain_http(client, settings, metrics_token):
    """Prometheus scrapes each pod by its address: no allowed host, no HTTPS."""
    settings.ALLOWED_HOSTS = ["baanbrekers.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(
        "/metrics", HTTP_HOST="10.1.2.3:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_metrics_show_latency_and_queries_per_view(client, metrics_token, caseworker_heusden):
    client.force_login(caseworker_heusden)
    assert client.get(reverse("jobseekers:list")).status_code == 200
    text = scrape(client)
    latency = 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="jobseekers:list"}'
    assert value(text, latency) >= 1
    queries = 'baanbrekers_http_db_queries_count{view="jobseekers:list"}'
    assert value(text, queries) >= 1
    assert value(text, 'baanbrekers_http_db_queries_sum{view="jobseekers:list"}') >= 1


def _outbox(n: int) -> None:
    for i in range(n):
        OutboxEmail.objects.create(
            to=f"staff{i}@example.org",
            subject="s",
            body_text="b",
            message_id=f"<metrics-{i}@test>",
        )


@pytest.mark.django_db
def test_metrics_read_backlog_oldest_due_followup_and_attention(
    client, metrics_token, caseworker_heusden, heusden
):
    text = scrape(client)
    assert value(text, "baanbrekers_outbox_backlog") == 0
    assert value(text, "baanbrekers_followups_oldest_due_age_seconds") == 0

    _outbox(2)
    today = timezone.localdate()
    common = {"assignee": caseworker_heusden, "municipality": heusden, "title_text": "t"}
    FollowUp.objects.create(
        kind="test.metrics",
        subject_type="baanbrekers.user",
        subject_id=1,
        due_on=today - datetime.timedelta(days=3),
        **common,
    )
    FollowUp.objects.create(
        kind="test.metrics",
        subject_type="baanbrekers.user",
        subject_id=2,
        due_on=today + datetime.timedelta(days=3),
        **common,
    )
    FollowUp.objects.create(
        kind="test.metrics",
        subject_type="baanbrekers.user",
        subject_id=3,
        due_on=today - datetime.timedelta(days=9),
        status=FollowUpStatus.FAILED,
        **common,
    )
    text = scrape(client)
    assert value(text, "baanbrekers_outbox_backlog") == 2
    age = value(text, "baanbrekers_followups_oldest_due_age_seconds")
    # Due since the start of the day three days ago (the failed one is not due any more).
    assert 3 * 86400 <= age < 4 * 86400 + 3600
    assert value(text, "baanbrekers_followups_attention") == 1
    assert 'baanbrekers_scrape_errors{gauge="' not in text


@pytest.mark.django_db
def test_metrics_read_the_celery_queue_length(client, metrics_token, settings):
    from baanbrekers.celery import app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-metrics-{os.getpid()}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    try:
        for _ in range(3):
            app.send_task("baanbrekers.ping", queue=queue)
        text = scrape(client)
        assert value(text, f'baanbrekers_celery_queue_length{{queue="{queue}"}}') == 3
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)


@pytest.mark.django_db
def test_metrics_say_when_the_roll_up_last_succeeded(client, metrics_token):
    from stats import services
    from stats.models import RollupState

    services.figures_update()
    state = RollupState.objects.get(pk=1)
    text = scrape(client)
    assert value(text, "baanbrekers_stats_rollup_last_success_timestamp_seconds") == pytest.approx(
        state.last_run_at.timestamp()
    )


@pytest.mark.django_db
def test_a_gauge_that_cannot_be_read_is_named_and_the_rest_still_answer(
    client, metrics_token, monkeypatch
):
    from kombu import Connection

    from baanbrekers.celery import app

    # The broker is away: nothing listens on port 1.
    monkeypatch.setattr(app, "connection_for_read", lambda: Connection("redis://127.0.0.1:1/0"))
    text = scrape(client)
    assert value(text, 'baanbrekers_scrape_errors{gauge="baanbrekers_celery_queue_length"}') == 1
    assert value(text, "baanbrekers_outbox_backlog") == 0


def test_multiprocess_mode_adds_up_the_counters_of_every_process(tmp_path, django_db_setup):
    """Several gunicorn workers: each writes its counters under PROMETHEUS_MULTIPROC_DIR and a
    scrape, whichever worker answers, shows the sum."""
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test",
        "DATABASE_URL": _test_database_url(connection.settings_dict["NAME"]),
    }
    observe = (
        "import django; django.setup(); "
        "from baanbrekers.metrics import DB_QUERIES, metrics_text; "
        "DB_QUERIES.labels(view='probe:test').observe({n}); "
    )
    first = subprocess.run(
        [sys.executable, "-c", observe.format(n=3)], cwd=PROJECT_DIR, env=env, timeout=120
    )
    assert first.returncode == 0
    second = subprocess.run(
        [sys.executable, "-c", observe.format(n=4) + "print(metrics_text().decode())"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr
    text = second.stdout
    assert value(text, 'baanbrekers_http_db_queries_count{view="probe:test"}') == 2
    assert value(text, 'baanbrekers_http_db_queries_sum{view="probe:test"}') == 7
