"""End to end with a real Celery worker: the rules task makes follow-ups, the sending engine
records and delivers each once."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail
from baanbrekers.tasks import followup_rules_apply, followups_send_due
from employers.followup_rules import KIND_EMPLOYER_NO_CONTACT
from stats import followup_rules as rules
from tests.employers.factories import ContactMomentFactory, EmployerFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection.close()  # a fresh snapshot each time
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_the_rules_task_and_the_sending_engine_work_together_on_a_worker(
    celery_worker, caseworker_heusden, alderman
):
    employer = EmployerFactory(relationship_owner=caseworker_heusden)
    ContactMomentFactory(
        employer=employer, happened_at=timezone.now() - datetime.timedelta(days=120)
    )

    # Beat fires the rules twice; the second run finds nothing new to make.
    first = followup_rules_apply.delay().get(timeout=30)
    second = followup_rules_apply.delay().get(timeout=30)
    assert first["employers_without_contact"][0] == 1 and first["aldermen_digests"][0] == 1
    assert second["employers_without_contact"][0] == 0 and second["aldermen_digests"][0] == 0

    assert followups_send_due.delay().get(timeout=30) == 2
    assert wait_until(
        lambda: OutboxEmail.objects.filter(delivered_at__isnull=False).count() == 2
    ), "the outbox was not delivered"
    assert followups_send_due.delay().get(timeout=30) == 0

    sent = {f.kind: f for f in FollowUp.objects.filter(status=FollowUpStatus.SENT)}
    assert set(sent) == {KIND_EMPLOYER_NO_CONTACT, rules.KIND_DIGEST}
    mails = {m.followup.kind: m for m in OutboxEmail.objects.select_related("followup")}
    assert mails[KIND_EMPLOYER_NO_CONTACT].to == caseworker_heusden.email
    assert mails[rules.KIND_DIGEST].to == alderman.email
    assert mails[rules.KIND_DIGEST].subject.startswith("Weekoverzicht Baanbrekers")
