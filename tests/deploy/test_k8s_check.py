"""The Kubernetes manifests (deploy/kubernetes) render, validate and keep the project's policy
(scripts/k8s_check.py, `make k8s-check`), and the check fails on manifests that break it."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

PROJECT_DIR = Path(__file__).resolve().parents[2]
ROOT = PROJECT_DIR / "deploy" / "kubernetes"
HAS_KUBECTL = shutil.which("kubectl") is not None


def _load_check():
    spec = importlib.util.spec_from_file_location("k8s_check", PROJECT_DIR / "scripts/k8s_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["k8s_check"] = module
    spec.loader.exec_module(module)
    return module


k8s_check = _load_check()
RENDERERS = [
    "python",
    pytest.param("kubectl", marks=pytest.mark.skipif(not HAS_KUBECTL, reason="no kubectl")),
]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_target_renders_validates_and_keeps_the_policy(renderer, capsys):
    assert k8s_check.check(ROOT, renderer) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    for target in ("base", "overlays/production", "overlays/production/migrate"):
        assert f"ok {target}:" in out


@pytest.mark.skipif(not HAS_KUBECTL, reason="no kubectl to compare with")
def test_python_renderer_gives_what_kubectl_kustomize_gives():
    """The fallback for machines without kubectl renders the same documents, hashed names
    of the generated ConfigMaps included."""
    for target in k8s_check.kustomize_targets(ROOT):

        def keyed(docs):
            return {
                (d["kind"], d["metadata"]["name"], d["metadata"].get("namespace")): d for d in docs
            }

        assert keyed(k8s_check.render(target, "python")) == keyed(
            k8s_check.render(target, "kubectl")
        ), target


def _production() -> list[dict]:
    return k8s_check.render(ROOT / "overlays" / "production")


def test_every_readme_setting_reaches_every_production_container():
    variables = k8s_check.readme_variables()
    # The parser reads both tables of the README's "Configuration" section.
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "CELERY_RESULT_BACKEND",
        "LEAD_PORTAL_CLEANUP_DAYS",
    } <= set(variables)
    assert "RATE_INVITATION_ADDRESS" in variables
    docs = _production() + k8s_check.render(ROOT / "overlays" / "production" / "migrate")
    containers = [c for d in docs for c in k8s_check.containers_of(d)]
    assert {c["name"] for c in containers} == {"web", "worker", "beat", "migrate"}
    for container in containers:
        present = k8s_check.container_variables(container, docs)
        missing = {
            name
            for name in set(variables) - present - set(k8s_check.README_VARIABLES_NOT_DEPLOYED)
            if container["name"]
            in k8s_check.README_VARIABLES_ONLY_FOR.get(name, ({container["name"]},))[0]
        }
        assert not missing, f"{container['name']} lacks {sorted(missing)}"


def test_secrets_come_from_secret_references_and_nothing_secret_is_in_a_configmap():
    docs = _production()
    secret_names = {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "EMAIL_URL",
        "FIELD_ENCRYPTION_KEYS",
        "BLIND_INDEX_KEY",
    }
    for doc in docs:
        assert doc["kind"] != "Secret"
        if doc["kind"] == "ConfigMap":
            assert not secret_names & set(doc["data"]), doc["metadata"]["name"]
    web = next(
        d for d in docs if d["metadata"]["name"] == "baanbrekers-web" and d["kind"] == "Deployment"
    )
    env = {e["name"]: e for e in web["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in secret_names:
        assert env[name]["valueFrom"]["secretKeyRef"] == {
            "name": "baanbrekers-secrets",
            "key": name,
        }


FERNET_KEY = Fernet.generate_key().decode()  # one for both processes compared


def _settings_dump(extra_env: dict) -> dict:
    """Every setting of the production settings module, as text, in a clean process."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: repr(getattr(settings, k)) for k in dir(settings) if k.isupper()}))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.production",
        "SECRET_KEY": "k" * 20 + "-settings-comparison-only-" + "x" * 20,
        "FIELD_ENCRYPTION_KEYS": FERNET_KEY,
        "BLIND_INDEX_KEY": "blind-index-key-for-the-settings-comparison",
        "ALLOWED_HOSTS": "baanbrekers.example.org",
        "SITE_URL": "https://baanbrekers.example.org",
        "DATABASE_URL": "postgresql://check@database.invalid/check",
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    dump = json.loads(result.stdout.strip().splitlines()[-1])
    # Objects print with their address, which differs between processes.
    return {name: re.sub(r" at 0x[0-9a-f]+", "", value) for name, value in dump.items()}


def test_the_defaults_configmap_changes_no_setting():
    """baanbrekers-defaults shows the README's settings at their defaults for an operator to
    change; as shipped it must change nothing (else it would be a second home of a default)."""
    defaults = next(
        d["data"]
        for d in _production()
        if d["metadata"]["name"].startswith("baanbrekers-defaults-")
    )
    assert len(defaults) > 40
    assert _settings_dump(defaults) == _settings_dump({})


# -- the check fails on broken manifests -----------------------------------------------------
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _beat_two_replicas(root):
    _edit(root / "base/beat.yaml", "  replicas: 1\n", "  replicas: 2\n")


def _worker_writable_root(root):
    text = (root / "base/worker.yaml").read_text()
    (root / "base/worker.yaml").write_text(
        text.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
    )


def _schema_error(root):
    _edit(root / "overlays/production/hpa.yaml", "  maxReplicas: 12\n", "  maxReplicas: twelve\n")


def _unknown_field(root):
    _edit(
        root / "base/pdb.yaml",
        "  maxUnavailable: 1\n",
        "  maxUnavailable: 1\n  maxUnavaliable: 1\n",
    )


def _bundled_database(root):
    (root / "overlays/production/postgres.yaml").write_text(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: postgres\nspec:\n"
        "  serviceName: postgres\n  selector:\n    matchLabels: {app: postgres}\n  template:\n"
        "    metadata:\n      labels: {app: postgres}\n    spec:\n      containers:\n"
        "        - name: postgres\n          image: postgres:16\n"
    )
    _edit(
        root / "overlays/production/kustomization.yaml",
        "  - ../../base\n",
        "  - ../../base\n  - postgres.yaml\n",
    )


def _setting_dropped(root):
    _edit(root / "base/config/defaults.env", "RATE_BSN_REVEAL=30/hour\n", "")


def _probe_host_not_allowed(root):
    _edit(
        root / "base/config/config.env",
        "ALLOWED_HOSTS=baanbrekers.example.org,localhost",
        "ALLOWED_HOSTS=baanbrekers.example.org",
    )
    _edit(root / "overlays/production/settings/kustomization.yaml", ",localhost\n", "\n")


def _no_limits(root):
    _edit(
        root / "base/beat.yaml",
        "            limits:\n              cpu: 500m\n",
        "            limits:\n",
    )


def _latest_image(root):
    _edit(
        root / "overlays/production/settings/kustomization.yaml",
        'newTag: "1.0.0"',
        "newTag: latest",
    )


def _no_readiness(root):
    import yaml

    docs = list(yaml.safe_load_all((root / "base/web.yaml").read_text()))
    del docs[0]["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    (root / "base/web.yaml").write_text(yaml.safe_dump_all(docs))


def _replicas_below_autoscaler(root):
    _edit(root / "base/web.yaml", "  replicas: 3\n", "  replicas: 2\n")


def _no_network_policy(root):
    _edit(root / "base/kustomization.yaml", "  - networkpolicy.yaml\n", "")


def _web_open_to_all(root):
    _edit(
        root / "base/networkpolicy.yaml",
        "    - from:\n",
        "    - from:\n        - {}\n",
    )


BREAKAGES = {
    "beat replicas": (_beat_two_replicas, "a beat must be a Deployment of replicas 1"),
    "writable root": (_worker_writable_root, "readOnlyRootFilesystem is not true"),
    "schema type": (_schema_error, "schema 1.32.0: spec/maxReplicas"),
    "unknown field": (_unknown_field, "maxUnavaliable"),
    "bundled PostgreSQL": (_bundled_database, "runs postgres:16; production uses external ones"),
    "README setting dropped": (_setting_dropped, "README settings missing: RATE_BSN_REVEAL"),
    "probe host": (
        _probe_host_not_allowed,
        "probes ask for host 'localhost', not in ALLOWED_HOSTS",
    ),
    "no CPU limit": (_no_limits, "no cpu in resources.limits"),
    "latest image": (_latest_image, "is not pinned to a release"),
    "no readiness probe": (_no_readiness, "web has no readinessProbe"),
    "no network policy": (
        _no_network_policy,
        "Deployment/baanbrekers-worker: no NetworkPolicy limits who may connect to its pods",
    ),
    "web open to every source": (_web_open_to_all, "an ingress rule admits every source"),
    "replicas below the autoscaler": (
        _replicas_below_autoscaler,
        "is not the autoscaler's minimum 3",
    ),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_the_check_fails_on_a_broken_copy(breakage, tmp_path, capsys):
    root = tmp_path / "kubernetes"
    shutil.copytree(ROOT, root)
    damage, expected = BREAKAGES[breakage]
    damage(root)
    # Each breakage shows in the production overlay: rendering that one keeps the test quick.
    assert k8s_check.check(root, "python", only=["overlays/production"]) == 1
    assert expected in capsys.readouterr().out


def test_make_target_runs_the_check():
    """What CI runs (`make k8s-check`) is this script, with its exit status."""
    result = subprocess.run(
        [sys.executable, "scripts/k8s_check.py", "--root", str(ROOT)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok overlays/production:" in result.stdout
