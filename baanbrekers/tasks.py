from celery import shared_task
from django.db import connection


@shared_task(name="baanbrekers.ping")
def ping() -> dict:
    """Round trip through broker, worker, database and result backend, for checks and tests.

    Read-only and so safe to run twice.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    return {"pong": True, "database": database}
