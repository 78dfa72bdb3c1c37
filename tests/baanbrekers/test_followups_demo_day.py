"""A day of demo activity through the sending engine and a real SMTP server: the rules every
hour, the sweep and the delivery every ten minutes, with the trouble a real day brings (rows
that lost their owner, a bad address, a mailbox that does not exist, a mail server that keeps
saying "later"). Every row ends sent, failed or uncertain within MAX_ATTEMPTS, and the log shows
no endless retries."""

import datetime
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from baanbrekers.followups import (
    MAX_ATTEMPTS,
    followup_rules_apply,
    followups_send_due,
    outbox_deliver,
)
from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail, SendFailure

pytestmark = pytest.mark.django_db

FINAL = {FollowUpStatus.SENT, FollowUpStatus.FAILED, FollowUpStatus.UNCERTAIN}
LEFT_ALONE = {FollowUpStatus.CANCELLED, FollowUpStatus.DONE}
RETRY_LINE = re.compile(r"(follow-up|outbox email) (\d+) will be retried")


def run_day(start: datetime.datetime, *, hours: int = 24, step_minutes: int = 10) -> None:
    moment = start
    end = start + datetime.timedelta(hours=hours)
    while moment <= end:
        if moment.minute < step_minutes:
            followup_rules_apply(now=moment)
        followups_send_due(now=moment)
        outbox_deliver(now=moment)
        moment += datetime.timedelta(minutes=step_minutes)


def test_a_day_of_demo_activity_ends_every_row_sent_failed_or_uncertain(
    smtp_backend, settings, caplog
):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    followup_rules_apply(now=start)
    rows = list(FollowUp.objects.filter(due_on__lte=timezone.localdate(start)).order_by("id"))
    assert len(rows) >= 5, "the demo should bring due follow-ups"

    # The trouble of a real day, on four of the demo's rows.
    orphan, bad_address, no_mailbox, greylisted = rows[:4]
    FollowUp.objects.filter(pk=orphan.pk).update(assignee=None, recipient_email="")
    FollowUp.objects.filter(pk=bad_address.pk).update(recipient_email="karin@@example")
    FollowUp.objects.filter(pk=no_mailbox.pk).update(recipient_email="weg@example.org")
    FollowUp.objects.filter(pk=greylisted.pk).update(recipient_email="later@example.org")
    smtp_backend.handler.refuse["weg@example.org"] = "550 5.1.1 No such mailbox"
    smtp_backend.handler.refuse["later@example.org"] = "451 4.7.1 Greylisted, try again later"

    caplog.set_level("WARNING", logger="baanbrekers.followups")
    run_day(start)

    end = start + datetime.timedelta(hours=24)
    due = FollowUp.objects.filter(due_on__lte=timezone.localdate(end))
    statuses = Counter(due.values_list("status", flat=True))
    assert set(statuses) <= FINAL | LEFT_ALONE, statuses
    assert statuses[FollowUpStatus.SENT] >= len(rows) - 4
    for row in due:
        assert row.attempts <= MAX_ATTEMPTS
    assert max(OutboxEmail.objects.values_list("attempts", flat=True)) <= MAX_ATTEMPTS

    def reason(row):
        row.refresh_from_db()
        return row.status, row.failure

    assert reason(orphan) == (FollowUpStatus.FAILED, SendFailure.NO_RECIPIENT)
    assert reason(bad_address) == (FollowUpStatus.FAILED, SendFailure.INVALID_ADDRESS)
    assert reason(no_mailbox) == (FollowUpStatus.FAILED, SendFailure.REJECTED)
    assert reason(greylisted) == (FollowUpStatus.FAILED, SendFailure.GAVE_UP)

    # The log: each row retried fewer than MAX_ATTEMPTS times, and only the greylisted one.
    retries = Counter(
        int(match.group(2))
        for record in caplog.records
        if (match := RETRY_LINE.search(record.getMessage()))
    )
    print(
        f"\ndemo day: {due.count()} follow-ups due, {dict(statuses)}, "
        f"{sum(retries.values())} retries logged, at most {max(retries.values())} for one row"
    )
    assert max(retries.values()) == MAX_ATTEMPTS - 1
    assert set(retries) == {OutboxEmail.objects.get(followup=greylisted).pk}
    # And it stays quiet: a week later nothing is tried again.
    caplog.clear()
    later = start + datetime.timedelta(days=7)
    followups_send_due(now=later)
    outbox_deliver(now=later)
    assert not [r for r in caplog.records if "retried" in r.getMessage()]
    # Every mail that went out went out once.
    per_message = smtp_backend.handler.per_message_id()
    assert per_message and set(per_message.values()) == {1}
    assert sum(per_message.values()) == FollowUp.objects.filter(status=FollowUpStatus.SENT).count()
