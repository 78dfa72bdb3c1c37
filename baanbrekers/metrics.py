"""Prometheus metrics: ``/metrics``, protected by a bearer token (docs/operations.md, "Metrics").

Counted while requests run (django-prometheus's middleware, and ``DatabaseQueriesMiddleware``):
- ``django_http_requests_latency_seconds_by_view_method{view,method}``: latency per view;
- ``django_http_responses_total_by_status_view_method``, ... : the rest of django-prometheus;
- ``baanbrekers_http_db_queries{view}``: database queries per request, per view (a histogram:
  ``_sum`` is the total, ``_count`` the requests).

Read from PostgreSQL and Redis at scrape time (``ScrapeCollector``; each app may add its own with
``scrape_gauge_register`` in its ``AppConfig.ready()``, as stats does for the roll-up):
- ``baanbrekers_celery_queue_length{queue}``: messages waiting in each Celery queue;
- ``baanbrekers_outbox_backlog``: follow-up emails queued and not yet handed to the mail server;
- ``baanbrekers_followups_oldest_due_age_seconds``: how long the oldest due follow-up has been
  due (0 when none is);
- ``baanbrekers_followups_attention``: follow-ups whose mail failed or may not have arrived;
- ``baanbrekers_scrape_errors{gauge}``: 1 for a gauge that could not be read this time.

With several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory, emptied at
start): prometheus_client then keeps each process's counters in files there and every scrape
adds them up (a fresh registry per scrape), whichever worker answers.
"""

from __future__ import annotations

import contextlib
import datetime
import hmac
import os
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

# --- Counted while requests run -------------------------------------------------------------
DB_QUERIES = Histogram(
    "baanbrekers_http_db_queries",
    "Database queries per request, by view.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)


class QueryCount:
    """How many statements ran on the default database inside ``queries_counted()``."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def queries_counted():
    """Counts statements through ``connection.execute_wrapper``: no DEBUG cursor and no change
    to the database engine in DATABASES; one function call per statement."""
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


class DatabaseQueriesMiddleware:
    """Observes the queries of each request in ``baanbrekers_http_db_queries{view}``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with queries_counted() as queries:
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "<unresolved>"
        DB_QUERIES.labels(view=view).observe(queries.count)
        return response


# --- Read at scrape time --------------------------------------------------------------------
Sample = tuple[dict[str, str], float]
Reader = Callable[[], "float | Iterable[Sample]"]
_GAUGES: dict[str, tuple[str, tuple[str, ...], Reader]] = {}


def scrape_gauge_register(
    name: str, documentation: str, read: Reader, *, labels: tuple[str, ...] = ()
) -> None:
    """Adds a gauge read at every scrape. ``read()`` returns a number, or for a gauge with
    ``labels`` an iterable of ({label: value}, number). Registering a name again replaces it."""
    _GAUGES[name] = (documentation, labels, read)


class ScrapeCollector:
    """Reads every registered gauge; one that fails is left out and counted in
    ``baanbrekers_scrape_errors`` (the database or Redis being away must not hide the rest)."""

    def collect(self):
        errors = GaugeMetricFamily(
            "baanbrekers_scrape_errors",
            "1 for a gauge that could not be read at this scrape.",
            labels=["gauge"],
        )
        for name, (documentation, labels, read) in _GAUGES.items():
            try:
                value = read()
                family = GaugeMetricFamily(name, documentation, labels=list(labels) or None)
                if labels:
                    for label_values, number in value:
                        family.add_metric([label_values[label] for label in labels], number)
                else:
                    family.add_metric([], float(value))
            except Exception:  # noqa: BLE001 - reported as a metric, the scrape goes on
                errors.add_metric([name], 1)
                continue
            yield family
        yield errors


def celery_queue_lengths() -> Iterable[Sample]:
    """LLEN of each queue the workers consume (a Celery queue on Redis is a list under the
    queue's name), through the broker connection: its URL, socket and credentials."""
    from .celery import app

    queues = {settings.CELERY_TASK_DEFAULT_QUEUE}
    queues.update(getattr(settings, "CELERY_TASK_QUEUES", None) or ())
    samples = []
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        for queue in sorted(str(q) for q in queues):
            samples.append(({"queue": queue}, channel.client.llen(queue)))
    return samples


def outbox_backlog() -> int:
    from .models import OutboxEmail, OutboxStatus

    return OutboxEmail.objects.filter(status=OutboxStatus.QUEUED).count()


def followups_oldest_due_age() -> float:
    """Seconds since the start (local midnight) of the day the oldest due follow-up fell due;
    0 when nothing is due. "Due" as the sending engine says (baanbrekers.followups)."""
    from .followups import _due

    now = timezone.now()
    oldest = _due(now).order_by("due_on").values_list("due_on", flat=True).first()
    if oldest is None:
        return 0.0
    start = timezone.make_aware(datetime.datetime.combine(oldest, datetime.time.min))
    return max(0.0, (now - start).total_seconds())


def followups_attention() -> int:
    from .followups import ATTENTION_STATUSES
    from .models import FollowUp

    return FollowUp.objects.filter(status__in=ATTENTION_STATUSES).count()


scrape_gauge_register(
    "baanbrekers_celery_queue_length",
    "Messages waiting in a Celery queue.",
    celery_queue_lengths,
    labels=("queue",),
)
scrape_gauge_register(
    "baanbrekers_outbox_backlog",
    "Follow-up emails queued in the outbox, not yet handed to the mail server.",
    outbox_backlog,
)
scrape_gauge_register(
    "baanbrekers_followups_oldest_due_age_seconds",
    "Seconds since the oldest due follow-up fell due (0 when none is due).",
    followups_oldest_due_age,
)
scrape_gauge_register(
    "baanbrekers_followups_attention",
    "Follow-ups whose mail failed or may not have arrived (the coordinators' tab).",
    followups_attention,
)


# --- The endpoint ---------------------------------------------------------------------------
# /metrics is reachable through the ingress too, without a rate limit: a token shorter than this
# could be guessed, so it counts as none (404). `python -c "import secrets;
# print(secrets.token_urlsafe(32))"` makes a good one.
METRICS_TOKEN_MIN_LENGTH = 16


def _authorised(request) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


def metrics_text() -> bytes:
    """The exposition: this process's (or, in multiprocess mode, every worker's) counters, then
    the gauges read now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(ScrapeCollector())


@never_cache
@require_GET
def metrics_view(request):
    """404 while no METRICS_TOKEN (of at least METRICS_TOKEN_MIN_LENGTH characters) is set;
    401 without the right bearer token."""
    if len(settings.METRICS_TOKEN or "") < METRICS_TOKEN_MIN_LENGTH:
        # Plain, not the site's 404 page: ProbeMiddleware answers before sessions and users.
        return HttpResponseNotFound("not found\n", content_type="text/plain")
    if not _authorised(request):
        response = HttpResponse("unauthorised\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
