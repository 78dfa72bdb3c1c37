import pytest
from django.db import connection

from baanbrekers.tasks import ping


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_end_to_end_on_redis(celery_worker):
    result = ping.delay()
    value = result.get(timeout=30)
    # The worker is another process; it reached the same (test) database through its own connection.
    assert value == {"pong": True, "database": connection.settings_dict["NAME"]}


def test_tasks_are_acknowledged_late_and_rejected_on_worker_loss():
    from baanbrekers.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    # The database scheduler behind the beat lock (baanbrekers/beat.py): one beat schedules.
    assert app.conf.beat_scheduler == "baanbrekers.beat:LockedDatabaseScheduler"
    from django_celery_beat.schedulers import DatabaseScheduler

    from baanbrekers.beat import LockedDatabaseScheduler

    assert issubclass(LockedDatabaseScheduler, DatabaseScheduler)
