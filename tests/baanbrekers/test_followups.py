import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from baanbrekers.followups import MAX_ATTEMPTS, followups_send_due, outbox_deliver
from baanbrekers.models import FollowUp, FollowUpStatus, OutboxEmail, OutboxStatus, SendFailure
from tests.followups.helpers import schedule_text


@pytest.fixture
def today():
    return timezone.localdate()


def schedule(subject, user, due_on, kind="test.rule", **kw):
    return schedule_text(
        kind=kind, subject=subject, due_on=due_on, text="Bedank de werkgever", assignee=user, **kw
    )


def test_due_followups_are_sent_once_and_future_ones_wait(caseworker_heusden, heusden, today):
    due = schedule(heusden, caseworker_heusden, today)
    later = schedule(heusden, caseworker_heusden, today + datetime.timedelta(days=3))
    assert followups_send_due() == 1
    assert followups_send_due() == 0
    due.refresh_from_db()
    later.refresh_from_db()
    # In the outbox, on its way: "sent" only once the mail server has it.
    assert due.status == FollowUpStatus.SENDING and due.sent_at is None
    assert later.status == FollowUpStatus.PENDING
    assert OutboxEmail.objects.get().to == caseworker_heusden.email
    assert outbox_deliver() == 1
    due.refresh_from_db()
    assert due.status == FollowUpStatus.SENT and due.sent_at is not None


def test_the_email_is_dutch_and_delivered_with_a_stable_message_id(
    caseworker_heusden, heusden, today
):
    followup = schedule(heusden, caseworker_heusden, today, body="Bel Bakkerij De Gouden Korst.")
    followups_send_due()
    assert outbox_deliver() == 1
    assert outbox_deliver() == 0  # delivered once
    [message] = mail.outbox
    assert message.to == [caseworker_heusden.email]
    assert "Opvolging: Bedank de werkgever" in message.subject
    assert "Bel Bakkerij De Gouden Korst." in message.body
    assert "Met vriendelijke groet" in message.body
    assert message.extra_headers["Message-ID"] == f"<followup-{followup.pk}@baanbrekers.local>"
    assert message.alternatives and "text/html" in message.alternatives[0][1]


def test_an_explicit_recipient_gets_the_mail(caseworker_heusden, heusden, today):
    schedule(heusden, caseworker_heusden, today, recipient_email="hr@bakkerij.example.org")
    followups_send_due()
    assert OutboxEmail.objects.get().to == "hr@bakkerij.example.org"


def test_a_followup_without_recipient_fails_at_once_and_shows_in_the_failed_tab(
    client, coordinator, heusden, today
):
    """It used to be retried for ever ("no recipient") while the failed tab stayed empty."""
    followup = schedule(heusden, None, today)
    # Rows get an owner when scheduled (followup_owner); one can still lose it (the owner's
    # account deleted) or date from before that rule.
    FollowUp.objects.filter(pk=followup.pk).update(assignee=None)
    now = timezone.now()
    assert followups_send_due(now=now) == 1
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.FAILED
    assert followup.failure == SendFailure.NO_RECIPIENT
    assert followup.attempts == 1 and "no recipient" in followup.last_error
    assert followup.next_attempt_at is None
    # Never tried again by itself, however long the sweep keeps running.
    for days in range(1, 30):
        assert followups_send_due(now=now + datetime.timedelta(days=days)) == 0
    assert not OutboxEmail.objects.exists()
    client.force_login(coordinator)
    with translation.override("en"):
        html = client.get(reverse("followups") + "?show=failed", HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "Bedank de werkgever" in html
    assert reverse("followup-retry", args=[followup.pk]) in html


def test_a_followup_whose_mail_fails_to_render_is_retried_with_backoff_then_failed(
    caseworker_heusden, heusden, today, monkeypatch
):
    followup = schedule(heusden, caseworker_heusden, today)

    def broken(*args, **kwargs):
        raise RuntimeError("template trouble")

    monkeypatch.setattr("baanbrekers.followups._render", broken)
    now = timezone.now()
    assert followups_send_due(now=now) == 1
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.PENDING and followup.next_attempt_at > now
    assert followups_send_due(now=now) == 0  # not before its time
    for _ in range(MAX_ATTEMPTS - 1):
        now = followup.next_attempt_at + datetime.timedelta(seconds=1)
        assert followups_send_due(now=now) == 1
        followup.refresh_from_db()
    assert followup.status == FollowUpStatus.FAILED and followup.attempts == MAX_ATTEMPTS
    assert followup.failure == SendFailure.GAVE_UP and "template trouble" in followup.last_error
    assert followups_send_due(now=now + datetime.timedelta(days=1)) == 0


def test_an_invalid_address_fails_at_once(caseworker_heusden, heusden, today):
    followup = schedule(heusden, caseworker_heusden, today, recipient_email="hr@bakkerij")
    # An EmailField's validation is the form's; rows can still get a bad one (imports, admin).
    FollowUp.objects.filter(pk=followup.pk).update(recipient_email="not an address")
    followups_send_due()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.FAILED
    assert followup.failure == SendFailure.INVALID_ADDRESS
    assert not OutboxEmail.objects.exists()


def test_failed_delivery_is_retried(caseworker_heusden, heusden, today, settings):
    schedule(heusden, caseworker_heusden, today)
    followups_send_due()
    settings.EMAIL_BACKEND = "tests.baanbrekers.test_followups.BrokenBackend"
    assert outbox_deliver() == 0
    message = OutboxEmail.objects.get()
    assert message.delivered_at is None and message.attempts == 1
    assert message.status == OutboxStatus.QUEUED and message.next_attempt_at
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver(now=message.next_attempt_at) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_caseworker_sees_due_followups_on_home_and_marks_one_done(
    client, caseworker_heusden, heusden, today
):
    followup = schedule(heusden, caseworker_heusden, today)
    client.force_login(caseworker_heusden)
    assert "Bedank de werkgever" in client.get("/").content.decode()
    response = client.post(reverse("followup-done", args=[followup.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DONE and followup.done_at
    assert "Bedank de werkgever" not in client.get("/").content.decode()


def test_nobody_marks_someone_elses_followup(
    client, caseworker_heusden, caseworker_waalwijk, heusden, today
):
    followup = schedule(heusden, caseworker_heusden, today)
    client.force_login(caseworker_waalwijk)
    assert client.post(reverse("followup-done", args=[followup.pk])).status_code == 404
    # (The kind filter's options name kinds such as "Bedank … voor het bezoek": not a row.)
    assert "Bedank de werkgever" not in client.get(reverse("followups")).content.decode()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.PENDING


@pytest.mark.parametrize(
    "target", ["https://evil.example.org/phish", "//evil.example.org/", "\\\\evil.example.org"]
)
def test_marking_a_followup_done_never_redirects_to_another_site(
    client, caseworker_heusden, heusden, today, target
):
    followup = schedule(heusden, caseworker_heusden, today)
    client.force_login(caseworker_heusden)
    response = client.post(reverse("followup-done", args=[followup.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("followups")


def test_marking_a_followup_done_returns_to_the_page_it_came_from(
    client, caseworker_heusden, heusden, today
):
    followup = schedule(heusden, caseworker_heusden, today)
    client.force_login(caseworker_heusden)
    back = reverse("followups") + "?show=mine&page=2"
    response = client.post(reverse("followup-done", args=[followup.pk]), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("who", ["alderman", "employer_contact_a"])
def test_followup_list_is_for_back_office_roles(
    client, request, who, caseworker_heusden, heusden, today
):
    schedule(heusden, caseworker_heusden, today)
    client.force_login(request.getfixturevalue(who))
    # (The kind filter's options name kinds such as "Bedank … voor het bezoek": not a row.)
    assert "Bedank de werkgever" not in client.get(reverse("followups")).content.decode()


def test_coordinator_sees_failed_followups(client, coordinator, heusden, today):
    followup = schedule(heusden, None, today)
    FollowUp.objects.filter(pk=followup.pk).update(
        status=FollowUpStatus.FAILED, last_error="no recipient"
    )
    client.force_login(coordinator)
    html = client.get(reverse("followups") + "?show=failed").content.decode()
    assert "Bedank de werkgever" in html and "no recipient" in html


def test_the_mail_links_to_the_record_and_keeps_plain_text_plain(
    caseworker_heusden, heusden, today
):
    from tests.employers.factories import EmployerFactory

    employer = EmployerFactory(municipality=heusden, trade_name="Smit & Zonen")
    schedule_text(
        kind="test.link",
        subject=employer,
        due_on=today,
        text="Bel Smit & Zonen",
        assignee=caseworker_heusden,
    )
    followups_send_due()
    outbox_deliver()
    [message] = mail.outbox
    assert f"http://127.0.0.1:8000/employers/{employer.pk}/" in message.body
    assert "Smit & Zonen" in message.body and "&amp;" not in message.body
    assert "&amp;" not in message.subject
