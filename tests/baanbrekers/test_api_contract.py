"""The API contract is checked (issue 13).

``make schema-check`` validates the real v1 schema without warnings, and schemathesis runs every
operation of that schema against a live test server with all its checks, as a caseworker, a
coordinator and an employer contact: the answers must be what the schema says.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .route_matrix_world import build_world

ROOT = Path(__file__).resolve().parents[2]
# Test cases per operation; small enough for the whole test to take < 2 minutes. A deeper run:
# SCHEMATHESIS_MAX_EXAMPLES=50 SCHEMATHESIS_PHASES=examples,coverage,fuzzing,stateful.
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,fuzzing")
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Each role is tried on the operations it may use; the others answer 403, which the route
# matrix (test_route_matrix.py) already checks for every role and route.
PORTAL = "^/api/v1/portal/"
ROLES = {
    "caseworker_heusden": ["--exclude-path-regex", PORTAL],
    "coordinator": ["--exclude-path-regex", PORTAL],
    "employer_contact_a": ["--include-path-regex", "^/api/v1/(portal/|me/|employers/)"],
}


def _v1_schema() -> tuple[dict, list[str]]:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(api_version="v1").get_schema(request=None, public=True)
    warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    return schema, warnings


def test_make_schema_check_validates_the_v1_schema():
    makefile = (ROOT / "Makefile").read_text()
    target = re.search(r"^schema-check:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target, "no schema-check target"
    assert "--api-version v1" in target.group(1)
    assert "--fail-on-warn" in target.group(1) and "--validate" in target.group(1)


@pytest.mark.django_db
def test_the_v1_schema_has_every_route_and_no_warnings():
    from drf_spectacular.validation import validate_schema

    schema, warnings = _v1_schema()
    assert len(schema["paths"]) > 30, sorted(schema["paths"])
    assert not warnings, warnings
    validate_schema(schema)


def _auth_headers(user) -> list[str]:
    """A logged-in session and a CSRF pair, as the browser sends them (SessionAuthentication
    asks a CSRF token for writes)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)
    return [
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
        f"X-CSRFToken: {csrf}",
    ]


def _run_schemathesis(
    schema_path: Path, base_url: str, headers: list[str], report: Path, extra: list[str]
) -> dict:
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "run",
        str(schema_path),
        "--url",
        base_url,
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--phases",
        PHASES,
        "--seed",
        "13",
        "--workers",
        "1",
        "--no-shrink",
        "--continue-on-failure",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    for header in headers:
        command += ["--header", header]
    command += extra
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=report.parent)
    failures = json.loads(report.read_text())["failures"] if report.exists() else None
    return {
        "returncode": result.returncode,
        "output": result.stdout + result.stderr,
        "failures": failures,
    }


@pytest.mark.slow
def test_schemathesis_finds_no_failures_as_any_role(
    live_server, transactional_db, tmp_path, settings
):
    # The per-user API limit is not what this test is about (its own tests are in
    # test_throttling); thousands of generated requests would reach it.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            scope: "1000000/hour" for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        },
    }
    world = build_world()
    schema, _warnings = _v1_schema()
    schema_path = tmp_path / "schema.json"
    schema_path.write_text(json.dumps(schema))
    problems = {}
    for role, extra in ROLES.items():
        report = tmp_path / f"{role}.json"
        outcome = _run_schemathesis(
            schema_path, live_server.url, _auth_headers(world.users[role]), report, extra
        )
        if outcome["returncode"] != 0 or outcome["failures"]:
            problems[role] = outcome["output"][-20000:]
    assert not problems, "\n\n".join(f"=== {role}\n{out}" for role, out in problems.items())
