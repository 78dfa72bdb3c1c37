"""The image, compose and the manifests agree: one user id, the same commands, gunicorn's flags
in one file fit for a read-only root file system."""

import runpy
import shlex
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
BASE = PROJECT_DIR / "deploy" / "kubernetes" / "base"


def _compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


def _manifest_commands() -> dict[str, list[str]]:
    commands = {}
    for name in ("web.yaml", "worker.yaml", "beat.yaml", "migrate/job.yaml"):
        for doc in yaml.safe_load_all((BASE / name).read_text()):
            if doc["kind"] in ("Deployment", "Job"):
                container = doc["spec"]["template"]["spec"]["containers"][0]
                commands[container["name"]] = container["command"]
    return commands


def test_compose_runs_the_manifests_commands():
    services = _compose()["services"]
    manifests = _manifest_commands()
    assert set(manifests) == {"web", "worker", "beat", "migrate"}
    for name, command in manifests.items():
        assert shlex.split(services[name]["command"]) == command, name


def test_compose_runs_the_app_as_the_images_user_on_a_read_only_root():
    services = _compose()["services"]
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "--uid 10001 --gid 10001" in dockerfile
    for name in ("migrate", "web", "worker", "beat"):
        service = services[name]
        assert service["image"] == "baanbrekers:latest"
        assert service["user"] == "10001:10001"
        assert service["read_only"] is True
        assert service["tmpfs"] == ["/tmp"]
        assert service["cap_drop"] == ["ALL"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_the_image_starts_gunicorn_with_the_config_file():
    cmd = [
        line
        for line in (PROJECT_DIR / "Dockerfile").read_text().splitlines()
        if line.startswith("CMD")
    ]
    assert cmd == [
        'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "baanbrekers.wsgi:application"]'
    ]


def test_gunicorn_config_writes_nothing_outside_tmp_and_makes_no_control_socket():
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(PROJECT_DIR / "deploy" / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.control_socket_disable is True
    assert config.worker_tmp_dir == "/dev/shm"
    assert config.accesslog == "-"
    # No client address and no query string in the access log: either can be personal data.
    assert "%(h)s" not in config.access_log_format
    assert "%(r)s" not in config.access_log_format
    assert "%(q)s" not in config.access_log_format


def test_gunicorn_access_log_lines_stay_one_json_object_whatever_the_path():
    import datetime
    import json
    import types

    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(PROJECT_DIR / "deploy" / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    logger = config.logger_class(config)
    # PATH_INFO is percent-decoded: /%22,%22status%22:%22200%0A... arrives like this.
    path = '/x\\", "status": "200"}\n{"event": "access", "path": "/forged'
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
    }
    response = types.SimpleNamespace(status="404 Not Found", sent=9, headers=[])
    atoms = logger.atoms(response, [], environ, datetime.timedelta(milliseconds=3))
    line = config.access_log_format % logger.atoms_wrapper_class(atoms)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["path"] == path
    assert entry["status"] == "404"


def test_gunicorn_empties_the_prometheus_directory_at_start(tmp_path, monkeypatch):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"stale")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    hooks = runpy.run_path(str(PROJECT_DIR / "deploy" / "gunicorn.conf.py"))
    hooks["on_starting"](server=None)
    assert list(directory.iterdir()) == []
