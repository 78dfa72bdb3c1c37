"""The processes of the image run on a read-only root file system with only /tmp writable, as
the Kubernetes manifests and compose run them (readOnlyRootFilesystem, an emptyDir or tmpfs on
/tmp).

No container engine here: each process gets its own mount namespace (`unshare --mount`) in which
the root file system is remounted read-only (this machine's code, venv and home included) and a
fresh tmpfs is mounted on /tmp, as each container has its own. The commands are the manifests'
(deploy/kubernetes/base), with production settings; the probes run inside the process's namespace
(`nsenter`), as `kubectl exec` would."""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

from tests.worker import PROJECT_DIR, _test_database_url

READ_ONLY = (
    'mount -o remount,bind,ro / && mount -t tmpfs -o size=256m,mode=1777 tmpfs /tmp && exec "$@"'
)
# A checkout (and its venv) that lives under /tmp, as a CI clone may, would vanish under the
# fresh tmpfs: it is bound aside first, then put back (read-only) at the same path.
# (-n: the root is read-only by then, so the mount table in /etc cannot be written.)
READ_ONLY_KEEP = (
    'mount -n --bind "$BB_KEEP" /mnt && mount -n -o remount,bind,ro / '
    "&& mount -n -t tmpfs -o size=256m,mode=1777 tmpfs /tmp "
    '&& mkdir -p "$BB_KEEP" && mount -n --move /mnt "$BB_KEEP" '
    '&& mount -n -o remount,bind,ro "$BB_KEEP" && exec "$@"'
)


def _under_tmp(path: Path) -> bool:
    return Path("/tmp") in path.resolve().parents


def _namespaces_work() -> bool:
    if not (shutil.which("unshare") and shutil.which("nsenter")):
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", READ_ONLY, "sh", "true"],
        capture_output=True,
    )
    return probe.returncode == 0


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not _namespaces_work(), reason="needs root for a private mount namespace (unshare)"
    ),
]


def _manifest_command(name: str) -> list[str]:
    path = PROJECT_DIR / "deploy" / "kubernetes" / "base" / name
    doc = next(d for d in yaml.safe_load_all(path.read_text()) if d["kind"] == "Deployment")
    return doc["spec"]["template"]["spec"]["containers"][0]["command"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers=None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _wait(condition, what: str, processes, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if condition():
                return
        for name, (process, log) in processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited ({process.returncode}):\n{log.read_text()}")
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for: {what}")


@pytest.mark.django_db(transaction=True)
def test_web_worker_beat_and_migrate_run_on_a_read_only_root(tmp_path, settings):
    from django.db import connection

    venv_bin = str(Path(sys.executable).parent)
    token = secrets.token_urlsafe(24)
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-ro"
    prefix = f"{settings.CACHES['default']['KEY_PREFIX']}-ro"
    env = {
        "PATH": f"{venv_bin}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),  # read-only like the image's /app
        # What the Dockerfile sets:
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "XDG_CACHE_HOME": "/tmp/.cache",
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.production",
        # What the ConfigMaps and the Secret bring (made up):
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "localhost",
        "SITE_URL": "https://localhost",
        "DATABASE_URL": _test_database_url(connection.settings_dict["NAME"]),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "CACHE_KEY_PREFIX": prefix,
        "METRICS_TOKEN": token,
        "PROMETHEUS_MULTIPROC_DIR": "/tmp/prometheus",
        "WORKER_HEARTBEAT_FILE": "/tmp/baanbrekers-worker.alive",
        "WEB_CONCURRENCY": "2",
        # The image collects static files at build time; this checkout has none collected.
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    script = READ_ONLY
    if _under_tmp(PROJECT_DIR) or _under_tmp(Path(venv_bin)):
        if not Path(venv_bin).resolve().is_relative_to(PROJECT_DIR.resolve()):
            pytest.skip("a virtual environment under /tmp outside the checkout")
        script = READ_ONLY_KEEP
        env["BB_KEEP"] = str(PROJECT_DIR.resolve())
    port = _free_port()
    commands = {
        "migrate": ["python", "manage.py", "migrate", "--noinput"],
        "web": [*_manifest_command("web.yaml"), "--bind", f"127.0.0.1:{port}"],
        "worker": [*_manifest_command("worker.yaml"), "--concurrency=1", "-Q", queue],
        "beat": _manifest_command("beat.yaml"),
    }
    processes = {}
    try:
        for name, command in commands.items():
            log = tmp_path / f"{name}.log"
            with log.open("w") as out:
                wrapped = ["unshare", "--mount", "--propagation", "private"]
                wrapped += ["sh", "-c", script, "sh", *command]
                process = subprocess.Popen(
                    wrapped,
                    cwd=PROJECT_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes[name] = (process, log)
            if name == "migrate":
                assert process.wait(timeout=180) == 0, log.read_text()
                del processes[name]

        def inside(name: str, *command: str) -> int:
            process = processes[name][0]
            return subprocess.run(
                ["nsenter", "-t", str(process.pid), "-m", *command],
                cwd=PROJECT_DIR,
                env=env,
                capture_output=True,
            ).returncode

        _wait(lambda: _get(port, "/livez")[0] == 200, "web answers /livez", processes)
        status, body = _get(port, "/readyz")
        assert status == 200, body
        status, body = _get(port, "/metrics", {"Authorization": f"Bearer {token}"})
        assert status == 200 and "django_http_requests" in body  # counters in /tmp/prometheus

        _wait(
            lambda: "holds the beat lock" in processes["beat"][1].read_text(),
            "beat takes the lock",
            processes,
        )
        _wait(
            lambda: inside("beat", "python", "-m", "baanbrekers.beat", "alive") == 0,
            "beat's liveness probe passes",
            processes,
        )
        _wait(
            lambda: (
                inside(
                    "worker",
                    "python",
                    "-m",
                    "baanbrekers.health",
                    "worker-alive",
                    "--max-age",
                    "60",
                )
                == 0
            ),
            "the worker's liveness probe passes",
            processes,
        )
    finally:
        for process, _log in processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process, _log in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        client.delete(
            queue,
            f"_kombu.binding.{queue}",
            f"_kombu.binding_permanent.{queue}",
            f"{prefix}:celery-beat-lock",
        )
        client.close()
    logs = "\n".join(log.read_text() for log in tmp_path.glob("*.log"))
    assert "Read-only file system" not in logs
