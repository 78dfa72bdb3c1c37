"""Logs as data (issue 15): JSON or plain lines, a request id on every line of a request and of
the tasks it queues, and no email address or BSN in what goes out."""

import io
import json
import logging
import re
from pathlib import Path

import pytest

from baanbrekers import logs

PROJECT_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """What the production handler writes (JsonFormatter with the request id filter), from the
    root logger at DEBUG, as parsed objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_redact_blanks_email_addresses_and_bsns_only():
    text = "to noor.de-wit+x@mail.example.net, bsn 123456782, order 123456789, id 42"
    assert logs.redact(text) == "to [email], bsn [bsn], order 123456789, id 42"
    # Part of a longer number is no BSN.
    assert logs.redact("1234567820") == "1234567820"


def test_redact_blanks_bsns_written_with_dots_or_spaces():
    assert logs.redact("bsn 1234.56.782.") == "bsn [bsn]."
    assert logs.redact("bsn 123 456 782 en 123.456.782") == "bsn [bsn] en [bsn]"
    # Same shapes that fail the eleven-test, and versions or longer numbers, stay.
    assert logs.redact("1234.56.789 v1.123.456.782") == "1234.56.789 v1.123.456.782"


def test_a_request_id_with_a_trailing_newline_is_not_taken():
    assert logs.request_id_accept("0123456789abcdef\n") != "0123456789abcdef\n"
    assert logs.request_id_accept("0123456789abcdef") == "0123456789abcdef"


def test_a_json_line_has_time_level_logger_message_and_request_id(json_lines):
    token = logs.request_id_bind("req-0123456789")
    try:
        logging.getLogger("baanbrekers.test").warning("follow-up %s: %s", 7, "a@b.example")
    finally:
        logs.request_id_unbind(token)
    (line,) = [line for line in json_lines() if line["logger"] == "baanbrekers.test"]
    assert line["level"] == "WARNING"
    assert line["message"] == "follow-up 7: [email]"
    assert line["request_id"] == "req-0123456789"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line["time"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2a9c1e-7d4b-4e0a-9b1c-2d3e4f5a6b7c", True),  # a UUID from the ingress
        ("0123456789abcdef0123456789abcdef", True),  # ingress-nginx's $req_id
        ("short", False),
        ("bad id with spaces", False),
        ("x" * 200, False),
        ("evil\r\nSet-Cookie: a=b", False),
        (None, False),
    ],
)
def test_the_request_id_is_taken_when_well_formed_and_on_every_line(
    client, json_lines, incoming, kept
):
    headers = {"HTTP_X_REQUEST_ID": incoming} if incoming is not None else {}
    response = client.get("/no-such-page/", **headers)
    assert response.status_code == 404
    request_id = response["X-Request-ID"]
    if kept:
        assert request_id == incoming
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    # Django's "Not Found" warning, written during the request, carries the id.
    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert lines and all(line["request_id"] == request_id for line in lines)
    # After the request, lines carry none.
    logging.getLogger("baanbrekers.test").info("after")
    assert json_lines()[-1]["request_id"] == "-"


def test_settings_log_plain_lines_in_tests_and_json_by_default(settings):
    from baanbrekers.settings import base

    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"
    # base.py's default (production): json.
    source = Path(base.__file__).read_text()
    assert 'LOG_FORMAT = env.str("LOG_FORMAT", default="json")' in source


def test_every_observability_setting_is_in_the_readme_table():
    base = (PROJECT_DIR / "baanbrekers" / "settings" / "base.py").read_text()
    section = base.split("# --- Observability:", 1)[1].split("\n# --- ", 1)[0]
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', section))
    # Read by prometheus_client from the environment, not through the settings.
    names.add("PROMETHEUS_MULTIPROC_DIR")
    assert {"LOG_FORMAT", "LOG_LEVEL", "METRICS_TOKEN", "WORKER_HEARTBEAT_FILE"} <= names
    readme = (PROJECT_DIR / "README.md").read_text()
    table = [line for line in readme.splitlines() if line.startswith("| `")]
    missing = sorted(name for name in names if not any(f"`{name}`" in row for row in table))
    assert not missing, f"not in the README's configuration table: {missing}"
