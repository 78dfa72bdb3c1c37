"""An interrupted ``seed_scale`` run resumes to exactly the data set of an uninterrupted one."""

import pytest
from django.db import transaction

from .conftest import fingerprint, seed

pytestmark = pytest.mark.django_db


def test_interrupted_run_resumes_to_the_same_data_set():
    with transaction.atomic():
        seed()
        whole = fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        output = seed(stop_after=3)
        assert "run the command again to resume" in output
        partial = fingerprint()
        assert partial["employers_employer"] > 0 and partial["jobseekers_jobseeker"] == 0
        seed()
        resumed = fingerprint()
        transaction.set_rollback(True)
    assert resumed == whole


def test_run_without_foreign_key_checks_writes_the_same_data_set():
    with transaction.atomic():
        seed()
        whole = fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        seed(skip_fk_checks=True)
        fast = fingerprint()
        transaction.set_rollback(True)
    assert fast == whole


def test_a_database_in_use_is_refused(monkeypatch):
    from django.core.management import CommandError

    from stats.scale import runner
    from tests.jobseekers.factories import JobSeekerFactory

    monkeypatch.setattr(runner, "IN_USE_ABOVE", 1)
    JobSeekerFactory.create_batch(2)
    with pytest.raises(CommandError, match="in use"):
        seed()
