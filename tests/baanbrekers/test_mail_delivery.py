"""Delivery through a real SMTP server (aiosmtpd, in this process): claimed before the message
leaves, sent once, permanent refusals failed at once, transient trouble retried up to
MAX_ATTEMPTS, a sender that stopped half-way reconciled as "uncertain" for a coordinator."""

import datetime
import smtplib

import pytest
from django.urls import reverse
from django.utils import timezone

from baanbrekers.followups import (
    MAX_ATTEMPTS,
    followups_send_due,
    outbox_deliver,
    outbox_reconcile,
)
from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail, OutboxStatus, SendFailure
from tests.followups.helpers import schedule_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def schedule(subject, user, due_on, **kw):
    return schedule_text(
        kind="test.mail",
        subject=subject,
        due_on=due_on,
        text="Bel de werkgever",
        assignee=user,
        **kw,
    )


def state(followup):
    followup.refresh_from_db()
    message = OutboxEmail.objects.filter(followup=followup).first()
    return followup.status, message.status if message else None


def test_a_mail_reaches_the_server_once_with_its_message_id(
    smtp_backend, caseworker_heusden, heusden, today
):
    followup = schedule(heusden, caseworker_heusden, today)
    assert followups_send_due() == 1
    assert state(followup) == (FollowUpStatus.SENDING, OutboxStatus.QUEUED)
    assert smtp_backend.handler.count() == 0  # nothing left yet: rendering is not sending
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)
    [delivery] = smtp_backend.handler.deliveries
    assert delivery.message_id == f"<followup-{followup.pk}@baanbrekers.local>"
    assert delivery.to == (caseworker_heusden.email,)
    assert followup.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_row_is_marked_sending_and_committed_before_the_message_leaves(
    smtp_backend, caseworker_heusden, heusden, today
):
    """What another connection reads at the moment the server has the message: "sending",
    committed. A sender killed right then leaves that behind, not a row that looks unsent."""
    import psycopg
    from django.db import connection

    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    db = connection.settings_dict
    seen = []

    def look(stage):
        if stage == "accepted":
            with psycopg.connect(
                dbname=db["NAME"],
                host=db["HOST"],
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"] or None,
                autocommit=True,
            ) as other:
                seen.append(
                    other.execute(
                        "SELECT o.status, o.attempts, f.status FROM baanbrekers_outboxemail o "
                        "JOIN baanbrekers_followup f ON f.id = o.followup_id WHERE f.id = %s",
                        [followup.pk],
                    ).fetchone()
                )

    smtp_backend.handler.on_stage = look
    assert outbox_deliver() == 1
    assert seen == [("sending", 1, "sending")]
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)


def test_a_permanent_refusal_fails_at_once_and_a_coordinator_sends_it_again(
    smtp_backend, client, coordinator, caseworker_heusden, heusden, today
):
    smtp_backend.handler.refuse[caseworker_heusden.email] = "550 5.1.1 No such user here"
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    assert outbox_deliver() == 0
    assert state(followup) == (FollowUpStatus.FAILED, OutboxStatus.FAILED)
    assert followup.failure == SendFailure.REJECTED and "550" in followup.last_error
    # Not tried again by itself.
    later = timezone.now() + datetime.timedelta(days=1)
    assert outbox_deliver(now=later) == 0
    assert OutboxEmail.objects.get().attempts == 1
    assert smtp_backend.handler.count() == 0

    client.force_login(coordinator)
    tab = client.get(reverse("followups") + "?show=failed").content.decode()
    assert "Bel de werkgever" in tab and reverse("followup-retry", args=[followup.pk]) in tab
    assert reverse("followup-delivered", args=[followup.pk]) not in tab  # only for uncertain

    # The mailbox is fixed; the coordinator sends it again.
    del smtp_backend.handler.refuse[caseworker_heusden.email]
    response = client.post(reverse("followup-retry", args=[followup.pk]))
    assert response.status_code == 302
    assert state(followup)[0] == FollowUpStatus.PENDING
    followups_send_due()
    assert outbox_deliver() == 1
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)
    assert OutboxEmail.objects.count() == 1  # the same outbox row, the same Message-ID
    assert [d.message_id for d in smtp_backend.handler.deliveries] == [
        f"<followup-{followup.pk}@baanbrekers.local>"
    ]


def test_a_temporary_refusal_is_retried_with_backoff_then_fails(
    smtp_backend, caseworker_heusden, heusden, today
):
    smtp_backend.handler.refuse[caseworker_heusden.email] = "451 4.3.0 Try again later"
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    now = timezone.now()
    assert outbox_deliver(now=now) == 0
    message = OutboxEmail.objects.get()
    assert message.status == OutboxStatus.QUEUED and message.next_attempt_at > now
    assert outbox_deliver(now=now) == 0  # not before its time
    assert OutboxEmail.objects.get().attempts == 1
    for _ in range(MAX_ATTEMPTS - 1):
        message.refresh_from_db()
        now = message.next_attempt_at + datetime.timedelta(seconds=1)
        outbox_deliver(now=now)
    assert state(followup) == (FollowUpStatus.FAILED, OutboxStatus.FAILED)
    assert followup.failure == SendFailure.GAVE_UP
    assert OutboxEmail.objects.get().attempts == MAX_ATTEMPTS
    assert outbox_deliver(now=now + datetime.timedelta(days=1)) == 0


def test_a_mail_server_that_is_down_is_retried_and_then_reached(
    smtp_backend, caseworker_heusden, heusden, today, settings
):
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    settings.EMAIL_PORT = smtp_backend.port + 1 if smtp_backend.port < 65535 else 1
    now = timezone.now()
    assert outbox_deliver(now=now) == 0
    assert state(followup) == (FollowUpStatus.SENDING, OutboxStatus.QUEUED)
    settings.EMAIL_PORT = smtp_backend.port
    message = OutboxEmail.objects.get()
    assert outbox_deliver(now=message.next_attempt_at) == 1
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)
    assert smtp_backend.handler.count() == 1


class DisconnectingBackend:
    """The connection breaks while the message is being handed over."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_connection_broken_during_the_handover_is_uncertain_not_resent(
    caseworker_heusden, heusden, today, settings
):
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    settings.EMAIL_BACKEND = "tests.baanbrekers.test_mail_delivery.DisconnectingBackend"
    outbox_deliver()
    assert state(followup) == (FollowUpStatus.UNCERTAIN, OutboxStatus.UNCERTAIN)
    assert followup.failure == SendFailure.UNCERTAIN
    assert outbox_deliver(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert OutboxEmail.objects.get().attempts == 1


def kill_after_claim(followup, at):
    """What a worker killed between claiming and recording leaves behind."""
    OutboxEmail.objects.filter(followup=followup).update(
        status=OutboxStatus.SENDING, sending_started_at=at, attempts=1
    )


def test_a_row_stuck_in_sending_is_reconciled_as_uncertain_and_never_resent_by_itself(
    smtp_backend, client, coordinator, caseworker_heusden, heusden, today, settings
):
    settings.OUTBOX_SENDING_TIMEOUT = 600
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    started = timezone.now()
    kill_after_claim(followup, started)
    # Within the timeout: it may still be on its way; left alone.
    assert outbox_reconcile(now=started + datetime.timedelta(seconds=599)) == 0
    assert outbox_deliver(now=started + datetime.timedelta(seconds=599)) == 0
    assert state(followup) == (FollowUpStatus.SENDING, OutboxStatus.SENDING)
    # After it: uncertain, and still nothing is sent.
    assert outbox_deliver(now=started + datetime.timedelta(seconds=601)) == 0
    assert state(followup) == (FollowUpStatus.UNCERTAIN, OutboxStatus.UNCERTAIN)
    assert followup.failure == SendFailure.UNCERTAIN
    assert outbox_deliver(now=started + datetime.timedelta(days=2)) == 0
    assert smtp_backend.handler.count() == 0

    client.force_login(coordinator)
    tab = client.get(reverse("followups") + "?show=failed").content.decode()
    assert "Bel de werkgever" in tab
    assert reverse("followup-retry", args=[followup.pk]) in tab
    assert reverse("followup-delivered", args=[followup.pk]) in tab
    # The caseworker confirms it arrived: the coordinator marks it delivered.
    assert client.post(reverse("followup-delivered", args=[followup.pk])).status_code == 302
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)
    assert followup.sent_at == started
    assert followups_send_due() == 0 and outbox_deliver() == 0
    assert smtp_backend.handler.count() == 0
    assert (
        "Bel de werkgever" not in client.get(reverse("followups") + "?show=failed").content.decode()
    )


def test_an_uncertain_row_sent_again_by_a_coordinator_keeps_its_message_id(
    smtp_backend, client, coordinator, caseworker_heusden, heusden, today, settings
):
    settings.OUTBOX_SENDING_TIMEOUT = 60
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    kill_after_claim(followup, timezone.now() - datetime.timedelta(minutes=5))
    outbox_reconcile()
    client.force_login(coordinator)
    client.post(reverse("followup-retry", args=[followup.pk]))
    followups_send_due()
    assert outbox_deliver() == 1
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)
    [delivery] = smtp_backend.handler.deliveries
    assert delivery.message_id == f"<followup-{followup.pk}@baanbrekers.local>"


def test_a_late_answer_after_reconciliation_still_counts_as_sent(
    smtp_backend, caseworker_heusden, heusden, today, settings
):
    """A slow mail server: the row was reconciled while the sender still waited for the "250";
    the answer came after all, so the mail is sent, not uncertain."""
    settings.OUTBOX_SENDING_TIMEOUT = 60
    followup = schedule(heusden, caseworker_heusden, today)
    followups_send_due()

    def reconcile_meanwhile(stage):
        if stage == "data":
            FollowUp.objects.filter(pk=followup.pk).update(status=FollowUpStatus.UNCERTAIN)
            OutboxEmail.objects.filter(followup=followup).update(status=OutboxStatus.UNCERTAIN)

    smtp_backend.handler.on_stage = reconcile_meanwhile
    assert outbox_deliver() == 1
    assert state(followup) == (FollowUpStatus.SENT, OutboxStatus.SENT)


@pytest.mark.parametrize("who", ["caseworker_heusden", "alderman"])
def test_only_coordinators_resolve_failed_mail(client, request, who, heusden, today):
    followup = schedule(heusden, None, today)
    FollowUp.objects.filter(pk=followup.pk).update(
        status=FollowUpStatus.UNCERTAIN, failure=SendFailure.UNCERTAIN
    )
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("followup-retry", args=[followup.pk])).status_code == 403
    assert client.post(reverse("followup-delivered", args=[followup.pk])).status_code == 403
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.UNCERTAIN


def test_resolving_refuses_rows_in_the_wrong_state(client, coordinator, heusden, today):
    followup = schedule(heusden, coordinator, today)
    client.force_login(coordinator)
    response = client.post(reverse("followup-delivered", args=[followup.pk]), follow=True)
    assert response.status_code == 200
    assert state(followup)[0] == FollowUpStatus.PENDING
    client.post(reverse("followup-retry", args=[followup.pk]))
    assert state(followup)[0] == FollowUpStatus.PENDING
