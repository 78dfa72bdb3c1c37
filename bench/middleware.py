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
# Savepoints come with that bookkeeping too (allauth creates its record in a get_or_create): a
# savepoint whose next statement is session bookkeeping, and the release or rollback right after
# such a statement, are left out with it. A page's own savepoints (a nested atomic) still count.
SAVEPOINT = "SAVEPOINT"
SAVEPOINT_END = ("RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class StatementCounter:
    """The statements of one request, session bookkeeping left out (see above)."""

    def __init__(self) -> None:
        self.count = 0
        self._pending_savepoint = False
        self._after_session = False

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith(SAVEPOINT):
            self._settle()
            self._pending_savepoint = True
        elif any(table in sql for table in SESSION_TABLES):
            self._pending_savepoint = False
            self._after_session = True
        elif sql.startswith(SAVEPOINT_END) and self._after_session:
            self._after_session = False
        else:
            self._settle()
            self.count += 1
            self._after_session = False
        return execute(sql, params, many, context)

    def _settle(self) -> None:
        if self._pending_savepoint:
            self.count += 1
            self._pending_savepoint = False

    def total(self) -> int:
        self._settle()
        return self.count


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = StatementCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response["X-Query-Count"] = str(counter.total())
        response["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response
