"""Logs as data: one request id on every line of a request and of the tasks it queues, JSON or
plain text, and no personal data.

- ``RequestIdMiddleware`` takes a well-formed ``X-Request-ID`` from the proxy (or makes one),
  keeps it in a context variable for the request and returns it in the response header.
- ``RequestIdFilter`` (on the handlers in ``settings.LOGGING``) puts ``request_id`` and, in a
  worker, ``task_id`` and ``task_name`` on every record.
- baanbrekers.celery carries the id in a task header (``TASK_HEADER``) from the process that
  queues a task to the worker that runs it (``task_published``/``task_started``/``task_finished``).
- ``JsonFormatter`` (python-json-logger) and ``PlainFormatter`` blank out what looks like an
  email address or a BSN (nine digits passing the eleven-test) in the finished line: a safety
  net under the rule that code logs ids, never names, addresses or BSNs.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# Celery message header that carries the request id into the tasks a request queues.
TASK_HEADER = "bb_request_id"

# What a proxy's id looks like (a UUID, ingress-nginx's 32 hex digits, a trace id): letters,
# digits and a few separators, 8 to 128 of them. Anything else is replaced, never logged.
_WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("task", default=None)


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_accept(value: str | None) -> str:
    """The incoming id when it is well-formed, else a new one."""
    # fullmatch: "$" would also match before a final newline, which must not reach a log line.
    if value and _WELL_FORMED.fullmatch(value):
        return value
    return request_id_new()


def request_id_current() -> str | None:
    return _request_id.get()


def request_id_bind(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def request_id_unbind(token: contextvars.Token) -> None:
    _request_id.reset(token)


def task_bind(task_id: str | None, task_name: str | None) -> contextvars.Token:
    return _task.set((task_id or "", task_name or ""))


def task_unbind(token: contextvars.Token) -> None:
    _task.reset(token)


class RequestIdMiddleware:
    """First in the middleware list: every later line of the request carries its id.

    The id stays bound until the response is closed (``request_finished``), not only while the
    middleware runs: Django writes its "Not Found" and error lines after the middleware chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_accept(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        request_id_bind(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _request_finished(**kwargs) -> None:
    _request_id.set(None)


request_finished.connect(_request_finished, dispatch_uid="baanbrekers.logs.request_finished")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a request or task), ``task_id`` and ``task_name``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get() or "-"
        task = _task.get()
        if task is not None:
            record.task_id, record.task_name = task
        return True


# --- Personal data --------------------------------------------------------------------------
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
# The way people write a BSN with separators: 1234.56.782 (as on a passport), 123 456 782.
_BSN_WRITTEN = re.compile(
    r"(?<!\d)(?<!\d\.)(?:\d{4}\.\d{2}\.\d{3}|\d{3}([ .])\d{3}\1\d{3})(?!\.?\d)"
)
REDACTED_EMAIL = "[email]"
REDACTED_BSN = "[bsn]"


def redact(text: str) -> str:
    """``text`` without email addresses and BSNs (nine digits that pass the eleven-test)."""
    if "@" in text:
        text = _EMAIL.sub(REDACTED_EMAIL, text)
    if _NINE_DIGITS.search(text) is None and _BSN_WRITTEN.search(text) is None:
        return text
    # Imported here: logging is configured before the apps are loaded.
    from .validators import bsn_passes_eleven_test

    def blank(match: re.Match) -> str:
        digits = re.sub(r"\D", "", match.group())
        return REDACTED_BSN if bsn_passes_eleven_test(digits) else match.group()

    return _NINE_DIGITS.sub(blank, _BSN_WRITTEN.sub(blank, text))


class PlainFormatter(logging.Formatter):
    """For people at a terminal (dev, tests): one line, the request id in brackets."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id, the
    task's id and name in a worker, ``exc_info`` as text, and any ``extra={...}`` fields."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", ["levelname", "name", "message", "request_id", "process", "threadName"]
        )
        kwargs.setdefault(
            "rename_fields",
            {"levelname": "level", "name": "logger", "threadName": "thread"},
        )
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))
