"""Bench-only middleware: how many SQL statements a request ran, and how long the server took.

Enabled only by ``bench.settings`` with ``BENCH_QUERY_COUNT`` on; never part of the shipped
settings. Counting goes through ``connection.execute_wrapper``, so it costs one function call per
statement and needs no DEBUG cursor.
"""

from __future__ import annotations

import time

from django.db import connection

# Session bookkeeping is left out of the count: the session is saved at most once a minute
# (baanbrekers.middleware.SessionLifetimeMiddleware) and allauth's session record is refreshed
# when it is stale, so those statements come and go between identical requests of a page.
SESSION_TABLES = ('"django_session"', '"usersessions_usersession"')
# Savepoints come with that bookkeeping too (allauth creates its record in a get_or_create); a
# page's own transactions begin and commit outside cursor.execute and are not counted either.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            if not (sql.startswith(TRANSACTION_CONTROL) or any(t in sql for t in SESSION_TABLES)):
                count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["X-Query-Count"] = str(count)
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
