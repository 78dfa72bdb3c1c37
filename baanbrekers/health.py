"""/healthz: is this instance able to do its work? For load balancers and operators."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_celery() -> str:
    replies = celery_app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")
    return f"ok ({len(replies)} worker{'s' if len(replies) != 1 else ''})"


CHECKS = {"database": check_database, "redis": check_redis, "celery": check_celery}


@never_cache
@require_GET
def healthz(request):
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        if name == "celery" and "redis" in failing:
            # The worker is reached through Redis; asking would only wait for the time-out.
            results[name] = "unknown: redis is down"
            failing.append(name)
            continue
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
            results[name] = f"error: {type(exc).__name__}"
            failing.append(name)
    body = {
        "status": "ok" if not failing else "error",
        "checks": results,
        "failing": failing,
        "release": settings.RELEASE,
    }
    return JsonResponse(body, status=503 if failing else 200)
