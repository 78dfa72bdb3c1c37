"""Sending follow-ups: the database decides what is due, each one is sent exactly once.

How exactly-once holds: a worker claims one due row at a time with
``SELECT ... FOR UPDATE SKIP LOCKED`` and, in that same transaction, writes the email to the
outbox and marks the row sent. A worker killed mid-batch rolls back its open transaction, so the
row is still pending and the next run takes it; two runs at once (beat firing twice) never take
the same row. Delivery from the outbox to the mail server is a second step with the same claim
pattern and a stable Message-ID.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import FollowUp, FollowUpStatus, OutboxEmail, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def _next_attempt(attempts: int, now: datetime.datetime) -> datetime.datetime:
    # 2, 4, 8, 16 minutes: transient mail or template trouble gets time to clear.
    return now + datetime.timedelta(minutes=2**attempts)


def followups_for_user(user: User) -> QuerySet[FollowUp]:
    """The follow-ups a user acts on: their own; coordinators see everyone's."""
    qs = FollowUp.objects.select_related("assignee", "municipality")
    if user.is_authenticated and user.is_coordinator:
        return qs
    if user.is_authenticated and user.is_staff_role:
        return qs.filter(assignee=user)
    return qs.none()


def followup_subject_url(followup: FollowUp) -> str:
    """Absolute link to what the follow-up is about, when that record has a page."""
    try:
        model = apps.get_model(followup.subject_type)
        obj = model._default_manager.filter(pk=followup.subject_id).first()
    except (LookupError, ValueError):
        return ""
    if obj is None or not hasattr(obj, "get_absolute_url"):
        return ""
    return settings.SITE_URL.rstrip("/") + obj.get_absolute_url()


# Kinds whose email has its own templates and context (the weekly digest of the aldermen),
# registered by the app that owns the kind in its AppConfig.ready(). Every other kind uses
# email/followup*.
EmailContext = Callable[[FollowUp], dict]
_EMAIL_KINDS: dict[str, tuple[str, EmailContext]] = {}


def followup_email_register(*, kind: str, template_prefix: str, context: EmailContext) -> None:
    """Mail of ``kind`` renders ``<template_prefix>_subject.txt``, ``.txt`` and ``.html`` with
    what ``context(followup)`` adds. ``context`` runs at send time, in Dutch, inside the sending
    transaction; an exception is a failed attempt like any other (retried, then visible)."""
    _EMAIL_KINDS[kind] = (template_prefix, context)


def _render(followup: FollowUp, recipient: str) -> OutboxEmail:
    context = {
        "followup": followup,
        "link": followup_subject_url(followup),
        "site_url": settings.SITE_URL,
    }
    prefix, extra = _EMAIL_KINDS.get(followup.kind, ("email/followup", None))
    # Mail speaks Dutch, whatever language the process happens to be in.
    with translation.override(settings.LANGUAGE_CODE):
        if extra is not None:
            context.update(extra(followup))
        subject = render_to_string(f"{prefix}_subject.txt", context).strip()
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    return OutboxEmail(
        followup=followup,
        to=recipient,
        subject=" ".join(subject.split())[:250],
        body_text=text,
        body_html=html,
        message_id=f"<followup-{followup.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>",
    )


def _due(now: datetime.datetime) -> QuerySet[FollowUp]:
    today = timezone.localdate(now)
    return FollowUp.objects.filter(status=FollowUpStatus.PENDING, due_on__lte=today).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def followups_send_due(*, limit: int = 200, now: datetime.datetime | None = None) -> int:
    """Sends (records in the outbox) up to ``limit`` due follow-ups; returns how many.

    Safe to run concurrently and to repeat: see the module docstring. A row that fails to render
    or has no recipient is retried with backoff and marked failed after MAX_ATTEMPTS, visible to
    coordinators; the others go on.
    """
    now = now or timezone.now()
    handled = 0
    while handled < limit:
        with transaction.atomic():
            followup = (
                _due(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("assignee")
                .order_by("due_on", "id")
                .first()
            )
            if followup is None:
                break
            _send_one(followup, now)
        handled += 1
    return handled


def _send_one(followup: FollowUp, now: datetime.datetime) -> None:
    recipient = followup.recipient_email or (followup.assignee.email if followup.assignee else "")
    try:
        if not recipient:
            raise ValueError("no recipient: neither an address nor an assignee")
        with transaction.atomic():
            _render(followup, recipient).save()
            followup.status = FollowUpStatus.SENT
            followup.sent_at = now
            followup.attempts += 1
            followup.last_error = ""
            followup.save(update_fields=["status", "sent_at", "attempts", "last_error"])
    except Exception as exc:  # noqa: BLE001 - any failure of one row must not stop the batch
        followup.attempts += 1
        followup.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if followup.attempts >= MAX_ATTEMPTS:
            followup.status = FollowUpStatus.FAILED
            logger.error("follow-up %s failed for good: %s", followup.pk, followup.last_error)
        else:
            followup.next_attempt_at = _next_attempt(followup.attempts, now)
            logger.warning("follow-up %s will be retried: %s", followup.pk, followup.last_error)
        followup.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])


def outbox_deliver(*, limit: int = 200, now: datetime.datetime | None = None) -> int:
    """Hands undelivered outbox emails to Django's email backend; returns how many went out."""
    now = now or timezone.now()
    delivered = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxEmail.objects.select_for_update(skip_locked=True)
                .filter(delivered_at__isnull=True, failed=False)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("created_at", "id")
                .first()
            )
            if message is None:
                break
            email = EmailMultiAlternatives(
                subject=message.subject,
                body=message.body_text,
                to=[message.to],
                headers={"Message-ID": message.message_id},
            )
            if message.body_html:
                email.attach_alternative(message.body_html, "text/html")
            message.attempts += 1
            try:
                email.send()
            except Exception as exc:  # noqa: BLE001 - recorded and retried
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                message.failed = message.attempts >= MAX_ATTEMPTS
                message.next_attempt_at = _next_attempt(message.attempts, now)
            else:
                message.delivered_at = timezone.now()
                message.last_error = ""
                delivered += 1
            message.save(
                update_fields=[
                    "attempts",
                    "last_error",
                    "failed",
                    "next_attempt_at",
                    "delivered_at",
                ]
            )
    return delivered


def followup_mark_done(*, followup: FollowUp, user: User) -> FollowUp:
    """The caseworker has acted on it. Marking twice is harmless."""
    if followup.status != FollowUpStatus.DONE:
        followup.status = FollowUpStatus.DONE
        followup.done_at = timezone.now()
        followup.save(update_fields=["status", "done_at"])
    return followup


# Which other records' follow-ups belong with a subject: for a job seeker, those about their
# consents, clicks, placements and so on. The apps that know (above this package) register a
# function in their AppConfig.ready(); this module imports none of them.
RelatedSubjects = Callable[[object], Iterable[tuple[str, Iterable]]]
_RELATED: dict[str, list[RelatedSubjects]] = {}

OPEN_STATUSES = (FollowUpStatus.PENDING, FollowUpStatus.SENT, FollowUpStatus.FAILED)


def followup_related_register(*, subject_type: str, related: RelatedSubjects) -> None:
    """Registers ``related(subject)``, which yields (model label, ids) of records whose follow-ups
    move together with ``subject``'s (e.g. "jobseekers.JobSeeker" → its consents). Registering
    the same function twice is harmless."""
    functions = _RELATED.setdefault(subject_type, [])
    if related not in functions:
        functions.append(related)


def followups_reassign(*, subject, old_assignee: User | None, new_assignee: User | None) -> int:
    """Moves the open follow-ups about ``subject`` (and its registered related records) from
    ``old_assignee`` to ``new_assignee``; returns how many moved.

    Call it in the transaction that changes the responsible person (the job seeker's caseworker):
    if that rolls back, so does this. Only rows assigned to ``old_assignee`` move, so a colleague's
    agreed action stays with that colleague. A row that failed without ever being sent gets a
    fresh start with its new assignee (it usually failed for want of a recipient). Concurrent
    sends are harmless: sending never changes the assignee, and a row being sent right now is
    locked, so this waits for that commit.
    """
    if old_assignee == new_assignee:
        return 0
    keys: dict[str, set[str]] = {subject._meta.label: {str(subject.pk)}}
    for related in _RELATED.get(subject._meta.label, []):
        for label, ids in related(subject):
            keys.setdefault(label, set()).update(str(pk) for pk in ids)
    about = Q()
    for label, ids in keys.items():
        if ids:
            about |= Q(subject_type=label, subject_id__in=sorted(ids))
    rows = FollowUp.objects.filter(about, status__in=OPEN_STATUSES)
    rows = (
        rows.filter(assignee=old_assignee) if old_assignee else rows.filter(assignee__isnull=True)
    )
    with transaction.atomic():
        moved = rows.filter(~Q(status=FollowUpStatus.FAILED) | Q(sent_at__isnull=False)).update(
            assignee=new_assignee
        )
        moved += rows.filter(status=FollowUpStatus.FAILED, sent_at__isnull=True).update(
            assignee=new_assignee,
            status=FollowUpStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            last_error="",
        )
    return moved


def followups_cancel_open(*, subject, kinds: list[str], except_due_on=()) -> int:
    """Cancels the not-yet-sent follow-ups of these kinds about ``subject`` (e.g. a placement's
    reminders once it ended, or those for an end date that moved); returns how many.

    Rows already sent or done stay as they are: they are history. Call it in the transaction
    that makes the reminders outdated.
    """
    return (
        FollowUp.objects.filter(
            subject_type=subject._meta.label,
            subject_id=str(subject.pk),
            kind__in=kinds,
            status=FollowUpStatus.PENDING,
        )
        .exclude(due_on__in=list(except_due_on))
        .update(status=FollowUpStatus.CANCELLED)
    )
