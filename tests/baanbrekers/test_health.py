import pytest


@pytest.fixture(autouse=True)
def fresh_celery_check():
    """The workers' answer is kept a few seconds in the process: each test asks anew."""
    from baanbrekers import health

    health.celery_check_forget()
    yield
    health.celery_check_forget()


@pytest.mark.django_db(transaction=True)
def test_healthz_is_200_when_database_redis_and_worker_are_up(client, celery_worker):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "ok"
    assert body["checks"]["celery"].startswith("ok")
    assert body["failing"] == []


@pytest.mark.django_db
def test_healthz_is_503_naming_redis_when_redis_is_down(client, settings):
    # Nothing listens on port 1: as far as this instance knows, Redis is down.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert "redis" in body["failing"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("error")


@pytest.mark.django_db
def test_healthz_is_503_naming_the_database_when_it_fails(client, monkeypatch):
    from baanbrekers import health

    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["failing"]


@pytest.mark.django_db
def test_healthz_pings_the_workers_at_most_once_per_interval(client, monkeypatch):
    # Anyone may call /healthz: a flood of calls must not become a flood of broadcast pings.
    from baanbrekers import health

    pings = []

    def ping():
        pings.append(1)
        if len(pings) == 1:
            raise RuntimeError("no worker answered")
        return "ok (1 worker)"

    monkeypatch.setattr(health, "_ping_workers", ping)
    now = [1000.0]
    monkeypatch.setattr(health, "_clock", lambda: now[0])
    for _ in range(5):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["celery"] == "error: RuntimeError"
    assert len(pings) == 1
    now[0] += health.CELERY_CHECK_SECONDS
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["celery"] == "ok (1 worker)"
    assert len(pings) == 2


def test_healthz_needs_no_login_and_is_not_cached(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503  # answered, not redirected to the login page
    assert "max-age=0" in response["Cache-Control"]


# --- Probes for orchestrators: /livez, /readyz (issue 15) -----------------------------------


@pytest.fixture
def fresh_migrations_check():
    """The migration check is kept a few seconds in the process: each test asks anew."""
    from baanbrekers import health

    health.migrations_check_forget()
    yield
    health.migrations_check_forget()


def test_livez_answers_without_asking_the_database_or_redis(client, settings):
    # No database access is allowed in this test (no db fixture): a query would fail it.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_is_200_when_database_redis_and_migrations_are_fine(client, fresh_migrations_check):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "migrations": "ok"},
        "failing": [],
    }


@pytest.mark.django_db
def test_readyz_is_503_naming_migrations_when_one_is_not_applied(client, fresh_migrations_check):
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    # As after a rollout whose migration Job has not run yet: the newest migration of an app is
    # not recorded as applied (undone with the test's transaction).
    recorder = MigrationRecorder(connection)
    newest = recorder.migration_qs.filter(app="baanbrekers").order_by("-id").first()
    newest.delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["migrations"]
    assert body["checks"]["migrations"] == "error: 1 unapplied"
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readyz_shows_no_database_error_text(client, fresh_migrations_check, monkeypatch):
    from django.db import OperationalError
    from django.db.migrations import executor

    def broken(self, *args, **kwargs):
        raise OperationalError('connection to server at "db.internal" failed for user "bb"')

    monkeypatch.setattr(executor.MigrationExecutor, "migration_plan", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error: OperationalError"
    assert b"db.internal" not in response.content


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_it_is_unreachable(
    client, settings, fresh_migrations_check
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"].startswith("error")


@pytest.mark.django_db
def test_readyz_keeps_the_migration_answer_for_a_few_seconds(
    client, fresh_migrations_check, django_assert_max_num_queries
):
    client.get("/readyz")
    # The second probe asks only "SELECT 1": the migration table is not read again.
    with django_assert_max_num_queries(1):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/livez", "/readyz", "/healthz"])
def test_probes_answer_by_pod_address_over_plain_http(
    client, settings, fresh_migrations_check, monkeypatch, path
):
    """The kubelet asks http://<pod ip>:8000/livez: not an allowed host, not HTTPS."""
    from baanbrekers import health

    monkeypatch.setitem(health.CHECKS, "celery", lambda: "ok (not asked in this test)")
    settings.ALLOWED_HOSTS = ["baanbrekers.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200
    # Everything else still gets the host check and the redirect.
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/", HTTP_HOST="baanbrekers.example.org").status_code == 301


# --- The worker's liveness: python -m baanbrekers.health worker-alive -----------------------


def worker_alive(heartbeat, *args) -> int:
    from baanbrekers import health

    return health.main(["worker-alive", "--file", str(heartbeat), *args])


@pytest.mark.worker
def test_worker_alive_follows_the_heartbeat_of_a_real_worker(django_db_setup, tmp_path):
    import os
    import subprocess
    import sys
    import time

    from tests.worker import PROJECT_DIR, start_worker, stop_worker, wait_for_worker

    heartbeat = tmp_path / "worker.alive"
    assert worker_alive(heartbeat) == 1  # no worker yet
    worker = start_worker(["--pool=solo"], env_overrides={"WORKER_HEARTBEAT_FILE": str(heartbeat)})
    try:
        wait_for_worker(worker)
        # The probe exactly as the orchestrator runs it (the file from the settings).
        probe = subprocess.run(
            [sys.executable, "-m", "baanbrekers.health", "worker-alive", "--max-age", "60"],
            cwd=PROJECT_DIR,
            env={**os.environ, "WORKER_HEARTBEAT_FILE": str(heartbeat)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 0, probe.stderr
        # Made stale by hand, the running worker touches it again within its interval.
        long_ago = time.time() - 3600
        os.utime(heartbeat, (long_ago, long_ago))
        assert worker_alive(heartbeat, "--max-age", "60") == 1
        deadline = time.monotonic() + 30
        while heartbeat.stat().st_mtime < long_ago + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert worker_alive(heartbeat, "--max-age", "60") == 0
    finally:
        stop_worker(worker)
    # A worker that stopped stops touching it: after max-age it is not alive.
    stale = time.time() - 120
    os.utime(heartbeat, (stale, stale))
    assert worker_alive(heartbeat, "--max-age", "60") == 1
