"""Follow-ups: the kind registry, the rules registry, scheduling and exactly-once sending.

This is the one engine below every domain app (docs/DESIGN.md, "Rules and their one home"); it
imports none of them. The apps tell it what they know, in their ``AppConfig.ready()``:

Kinds. A follow-up's *kind* says what it is about and how its title reads::

    followup_kind_register(
        key="employer.no_contact",
        title=gettext_lazy("No contact with %(employer)s for %(days)s days"),
        body=gettext_lazy("The last contact moment was on %(date)s."),  # optional; or a
        # function of the params that picks the template
        email_template_prefix="",  # optional: "<prefix>_subject.txt", ".txt", ".html"
        email_context=None,  # optional: callable(followup) -> extra template context
        format_params=None,  # optional: callable(params) -> params ready for the templates
    )

A row stores ``kind`` and ``params`` (JSON: names, formatted dates, numbers — plain values, no
translated text), never a title in one language. ``FollowUp.title`` and ``FollowUp.body``
render the kind's templates over ``params`` in the active language when shown, and the mail is
rendered in the recipient's language (followup_recipient_language: Dutch unless the user has a
language of their own). ``format_params`` runs at render time, in that language, for values
that are themselves translated (a consent kind's label, say). A kind without a ``body``
template shows the text scheduled with the row (a report's notes). Rows from before kinds had
templates have ``params`` null and show the Dutch text stored with them.

Scheduling. ``followup_schedule(kind=..., subject=..., due_on=..., params={...})`` in the
transaction that causes the follow-up; idempotent per (kind, subject, due date).

Rules. A rule turns the state of the files into the follow-ups it wants right now::

    followup_rule_register("employers_without_contact", employers_without_contact,
                           kinds=["employer.no_contact"], cancels_stale=True)

where ``employers_without_contact(now)`` yields ``Wanted(kind=..., subject=..., due_on=...,
params={...}, assignee=..., ...)``. followup_rules_apply (hourly, task
``followup_rules.apply``) applies every registered rule: it makes what is wanted and, for
rules with ``cancels_stale``, cancels pending rows of their kinds that are no longer wanted.
Each domain app keeps its rules and kinds in ``<app>/followup_rules.py``. Lead times come from
``settings.LEAD_TIMES`` and ``settings.JOB_RETENTION_CHECK_MONTHS``, read when a rule runs.

Related subjects. followup_related_register tells followups_reassign which other records'
follow-ups move with a subject (a job seeker's consents, clicks, placements).

How exactly-once sending holds (followups_send_due, then outbox_deliver):

1. A worker claims one due row at a time with ``SELECT ... FOR UPDATE SKIP LOCKED``, renders its
   mail into the outbox and marks the row "sending", all in one transaction. A worker killed
   here rolls back: the row is still pending and the next run takes it; two runs at once (beat
   firing twice) never take the same row.
2. Delivery claims one queued outbox email the same way and marks it "sending" *and commits*
   before the message leaves; then it talks to the mail server outside any transaction; then
   it marks the email and its follow-up "sent". The Message-ID is derived from the follow-up,
   so it is the same on every attempt.
3. An email still "sending" after ``settings.OUTBOX_SENDING_TIMEOUT`` belongs to a sender that
   stopped between the claim and the last step: the mail server may or may not have it. It is
   never sent again by itself; it and its follow-up become "uncertain" and show in the
   coordinator's "Failed to send" tab, who resends it (same Message-ID) or marks it delivered.
4. A send that cannot succeed fails at once with its reason (``FollowUp.failure``): no
   recipient, an invalid address, the mail server's permanent (5xx) refusal. Transient trouble
   (a template's data not there yet, the mail server down or answering 4xx) is retried with
   backoff, at most MAX_ATTEMPTS times, then fails. A connection that breaks while the message
   is being handed over is "uncertain" at once: nobody knows whether it arrived.

Dates are calendar days in Europe/Amsterdam (``timezone.localdate``); rules turn a timestamp into
a local date before any day arithmetic.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import smtplib
import socket
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from .access import back_office_staff
from .expressions import EqualsAny
from .models import (
    FollowUp,
    FollowUpStatus,
    OutboxEmail,
    OutboxStatus,
    Role,
    SendFailure,
    User,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

# --- Kinds -----------------------------------------------------------------------------------

EmailContext = Callable[[FollowUp], dict]
Params = Mapping[str, object]


@dataclass(frozen=True)
class FollowUpKind:
    """What a kind of follow-up says: a title template (lazy, ``%(name)s`` over the row's
    params), optionally a details template and its own email templates."""

    key: str
    title: object
    body: object = ""
    email_template_prefix: str = ""
    email_context: EmailContext | None = None
    format_params: Callable[[dict], dict] | None = None
    # What the to-do list's filter calls the kind; by default the title with "…" for its values.
    label: object = ""
    # An answer the to-do list offers on the row: followup -> (button text, url), or None.
    action: Callable[[FollowUp], tuple[str, str] | None] | None = None


_KINDS: dict[str, FollowUpKind] = {}


def followup_kind_register(
    *,
    key: str,
    title,
    body="",
    email_template_prefix: str = "",
    email_context: EmailContext | None = None,
    format_params: Callable[[dict], dict] | None = None,
    label="",
    action: Callable[[FollowUp], tuple[str, str] | None] | None = None,
) -> FollowUpKind:
    """Registers (or re-registers: the last one wins, so a reload is harmless) a kind.

    ``title`` and ``body`` are gettext_lazy templates with ``%(name)s`` placeholders filled from
    the row's params. With ``email_template_prefix`` the mail renders
    ``<prefix>_subject.txt``, ``.txt`` and ``.html`` with what ``email_context(followup)`` adds
    (run at send time, in the recipient's language, inside the sending transaction; an exception
    is a failed attempt like any other). Without it the mail uses ``email/followup*``.
    """
    if len(key) > 50:
        raise ValueError(f"follow-up kind {key!r} is longer than 50 characters")
    kind = FollowUpKind(
        key=key,
        title=title,
        body=body,
        email_template_prefix=email_template_prefix,
        email_context=email_context,
        format_params=format_params,
        label=label,
        action=action,
    )
    _KINDS[key] = kind
    return kind


def followup_kind(key: str) -> FollowUpKind | None:
    return _KINDS.get(key)


def followup_kinds() -> dict[str, FollowUpKind]:
    return dict(_KINDS)


def _fill(template, kind: FollowUpKind, params: Mapping) -> str:
    values = dict(params)
    if kind.format_params is not None:
        values = kind.format_params(values)
    return str(template) % values


def followup_render_title(followup: FollowUp) -> str:
    """The title in the active language; the stored text for rows without params, an unknown
    kind, or params that do not fit the template (so an old row never breaks a page)."""
    kind = _KINDS.get(followup.kind)
    if followup.params is None or kind is None:
        return followup.title_text
    try:
        return _fill(kind.title, kind, followup.params)
    except (KeyError, TypeError, ValueError):
        logger.warning("follow-up %s: params do not fit the title of %s", followup.pk, kind.key)
        return followup.title_text


def followup_render_body(followup: FollowUp) -> str:
    kind = _KINDS.get(followup.kind)
    if followup.params is None or kind is None or not kind.body:
        return followup.body_text
    try:
        template = kind.body(followup.params) if callable(kind.body) else kind.body
        return _fill(template, kind, followup.params) if template else followup.body_text
    except (KeyError, TypeError, ValueError):
        logger.warning("follow-up %s: params do not fit the details of %s", followup.pk, kind.key)
        return followup.body_text


def followup_recipient_language(followup: FollowUp) -> str:
    """The language a follow-up's mail is written in: the assignee's own if the user model has
    one (``language``), else the site's (Dutch). An outside address (a supervisor) gets Dutch."""
    if followup.assignee_id and not followup.recipient_email:
        language = getattr(followup.assignee, "language", "") or ""
        if language:
            return language
    return settings.LANGUAGE_CODE


# --- Scheduling ------------------------------------------------------------------------------


def followup_schedule(
    *,
    kind: str,
    subject,
    due_on: datetime.date,
    params: Params | None = None,
    body: str = "",
    assignee: User | None = None,
    recipient_email: str = "",
    municipality=None,
) -> FollowUp:
    """Schedules one follow-up of a registered ``kind`` about ``subject`` (a model instance);
    idempotent per (kind, subject, due date), so a rule that fires twice makes one row.

    ``params`` fill the kind's title (and details) templates whenever the row is shown or sent;
    they must be JSON values. ``body`` is free text for kinds without a details template.
    Call it inside the transaction that causes the follow-up: if that rolls back, so does this.
    Concurrent calls for the same key are safe (the unique constraint decides; the loser reads).
    """
    registered = _KINDS.get(kind)
    if registered is None:
        raise LookupError(f"follow-up kind {kind!r} is not registered (followup_kind_register)")
    params = dict(params or {})
    row = FollowUp(kind=kind, params=params, body_text=str(body))
    # The Dutch rendering is kept with the row for the admin's search and as a fallback.
    with translation.override(settings.LANGUAGE_CODE):
        title_text = _fill(registered.title, registered, params)
        body_text = followup_render_body(row)
    followup, _ = FollowUp.objects.get_or_create(
        kind=kind,
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        due_on=due_on,
        defaults={
            "params": params,
            "title_text": title_text[:200],
            "body_text": body_text,
            # Never without an owner: a row nobody owns is never read (followup_owner).
            "assignee": assignee
            if assignee is not None or recipient_email
            else followup_owner(municipality=municipality),
            "recipient_email": recipient_email,
            "municipality": municipality,
        },
    )
    return followup


def followup_owner(
    *,
    assignee: User | None = None,
    relationship_owner: User | None = None,
    caseworker: User | None = None,
    municipality=None,
) -> User | None:
    """Who owns a follow-up: the one rule, asked by every rule and by followup_schedule.

    The first active one of: the rule's own choice (who planned the visit, wrote the report),
    the relationship owner (of the employer), the person's caseworker; else a coordinator of the
    municipality (directly or through a team), else any coordinator — the one with the lowest
    id, so the choice is stable. A deactivated account is passed over: nobody reads its mail.
    None only when there is no active coordinator at all.
    """
    for candidate in (assignee, relationship_owner, caseworker):
        if candidate is not None and candidate.is_active:
            return candidate
    coordinators = User.objects.filter(role=Role.COORDINATOR, is_active=True).order_by("id")
    if municipality is not None:
        local = (
            coordinators.filter(
                Q(municipalities=municipality) | Q(teams__municipalities=municipality)
            )
            .distinct()
            .first()
        )
        if local is not None:
            return local
    return coordinators.first()


# --- Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """One follow-up a rule wants to exist."""

    kind: str
    subject: object
    due_on: datetime.date
    params: dict = field(default_factory=dict)
    body: str = ""
    assignee: User | None = None
    recipient_email: str = ""
    municipality: object = None

    @property
    def key(self) -> tuple[str, str, str, datetime.date]:
        return (self.kind, self.subject._meta.label, str(self.subject.pk), self.due_on)


@dataclass(frozen=True)
class Rule:
    """A rule: its name, the kinds it makes, and what it wants at a moment.

    With ``cancels_stale`` the rule's ``wanted`` is complete for its kinds: a pending follow-up of
    those kinds that it no longer wants (the placement was extended or ended, the employer was
    called, the consent renewed) is cancelled.
    """

    name: str
    kind_keys: Callable[[], Iterable[str]]
    wanted: Callable[[datetime.datetime], Iterable[Wanted]]
    cancels_stale: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.kind_keys())


_RULES: dict[str, Rule] = {}


def followup_rule_register(
    name: str,
    wanted: Callable[[datetime.datetime], Iterable[Wanted]],
    *,
    kinds: Iterable[str] | Callable[[], Iterable[str]],
    cancels_stale: bool = False,
) -> Rule:
    """Registers a rule under ``name`` (registering again replaces it). ``wanted(now)`` yields
    Wanted items of ``kinds`` only; due dates must follow from the data, never from ``now``'s
    hour, so that running the rules every hour, twice at once or after downtime makes each
    follow-up once. ``kinds`` may be a function, for kinds that follow from settings read at
    run time (the job checks per month)."""
    if not callable(kinds):
        fixed = tuple(kinds)

        def kinds() -> tuple[str, ...]:
            return fixed

    rule = Rule(name=name, kind_keys=kinds, wanted=wanted, cancels_stale=cancels_stale)
    _RULES[name] = rule
    return rule


def followup_rules() -> tuple[Rule, ...]:
    """The registered rules, in the order they were registered."""
    return tuple(_RULES.values())


def local_today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware moment a local calendar day starts (00:00 exists every day in NL)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def lead_time(name: str) -> datetime.timedelta:
    """``settings.LEAD_TIMES[name]`` days, read at call time so an override takes effect."""
    return datetime.timedelta(days=settings.LEAD_TIMES[name])


# pg advisory lock key of a rules run ("FOLLOWUP" in ASCII, as a number that fits a bigint).
RULES_LOCK = 0x464F4C4C4F575550


@dataclass(frozen=True)
class RuleOutcome:
    created: int = 0
    cancelled: int = 0
    revived: int = 0


class RulesFailed(Exception):
    """Some rules raised; the others were applied and committed."""


def _apply(rule: Rule, now: datetime.datetime) -> RuleOutcome:
    wanted: dict[tuple, Wanted] = {}
    kinds = rule.kinds
    for item in rule.wanted(now):
        if item.kind not in kinds:
            raise ValueError(f"rule {rule.name} made a follow-up of kind {item.kind!r}")
        wanted.setdefault(item.key, item)
    subject_ids = sorted({key[2] for key in wanted})
    existing = {
        (kind, subject_type, subject_id, due_on): (pk, status)
        for pk, kind, subject_type, subject_id, due_on, status in FollowUp.objects.filter(
            kind__in=kinds, subject_id__in=subject_ids
        ).values_list("pk", "kind", "subject_type", "subject_id", "due_on", "status")
    }
    created = 0
    for key, item in wanted.items():
        if key in existing:
            continue
        followup_schedule(
            kind=item.kind,
            subject=item.subject,
            due_on=item.due_on,
            params=item.params,
            body=str(item.body),
            assignee=item.assignee,
            recipient_email=item.recipient_email,
            municipality=item.municipality,
        )
        created += 1
    cancelled = revived = 0
    if rule.cancels_stale:
        # Wanted again after it was cancelled as stale (say, an alderman made active again the
        # same week): it was never sent, so it may go out now.
        back = [pk for key, (pk, status) in existing.items() if status == FollowUpStatus.CANCELLED]
        if back:
            revived = FollowUp.objects.filter(pk__in=back, status=FollowUpStatus.CANCELLED).update(
                status=FollowUpStatus.PENDING
            )
        stale = [
            pk
            for pk, *key in FollowUp.objects.filter(
                kind__in=kinds, status=FollowUpStatus.PENDING
            ).values_list("pk", "kind", "subject_type", "subject_id", "due_on")
            if tuple(key) not in wanted
        ]
        if stale:
            # A row being sent right now is locked by the sender; this update waits for it and
            # then finds it sent, so a follow-up is never both sent and cancelled.
            cancelled = FollowUp.objects.filter(pk__in=stale, status=FollowUpStatus.PENDING).update(
                status=FollowUpStatus.CANCELLED
            )
    return RuleOutcome(created=created, cancelled=cancelled, revived=revived)


def followup_rules_apply(
    *, now: datetime.datetime | None = None, rules: Iterable[Rule] | None = None
) -> dict[str, RuleOutcome] | None:
    """Applies every registered rule (or ``rules``) at ``now``: makes the follow-ups they want
    (idempotent per kind, record and due date), cancels pending ones they no longer want, and
    returns what each rule did.

    One run at a time: a transaction-scoped advisory lock makes a second, concurrent run (beat
    firing twice) return None at once instead of doing the same work. Each rule runs in its own
    savepoint, so a rule that raises leaves the others' work in place; RulesFailed is raised
    after the commit. Due dates depend on the data, not on ``now``'s hour, so running every hour
    changes nothing until the data or the date does.
    """
    now = now or timezone.now()
    rules = followup_rules() if rules is None else tuple(rules)
    outcomes: dict[str, RuleOutcome] = {}
    failed: list[str] = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [RULES_LOCK])
            (locked,) = cursor.fetchone()
        if not locked:
            logger.info("follow-up rules are already being applied; skipping this run")
            return None
        for rule in rules:
            try:
                # Free texts a rule makes (a body) are stored in Dutch, like the mail.
                with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                    outcomes[rule.name] = _apply(rule, now)
            except Exception:  # noqa: BLE001 - one broken rule must not stop the others
                logger.exception("follow-up rule %s failed", rule.name)
                failed.append(rule.name)
    if failed:
        raise RulesFailed(", ".join(failed))
    return outcomes


# --- Sending ---------------------------------------------------------------------------------


class PermanentSendError(Exception):
    """A send that cannot succeed however often it is tried; fails the row at once."""

    def __init__(self, failure: str, detail: str):
        super().__init__(detail)
        self.failure = failure


def _next_attempt(attempts: int, now: datetime.datetime) -> datetime.datetime:
    # 2, 4, 8, 16 minutes: transient mail or template trouble gets time to clear.
    return now + datetime.timedelta(minutes=2**attempts)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


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


def _render(followup: FollowUp, recipient: str) -> OutboxEmail:
    context = {
        "followup": followup,
        "link": followup_subject_url(followup),
        "site_url": settings.SITE_URL,
    }
    kind = _KINDS.get(followup.kind)
    prefix, extra = "email/followup", None
    if kind is not None and kind.email_template_prefix:
        prefix, extra = kind.email_template_prefix, kind.email_context
    # Mail speaks the recipient's language (Dutch), whatever language the process is in.
    with translation.override(followup_recipient_language(followup)):
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


def _recipient(followup: FollowUp) -> str:
    recipient = followup.recipient_email or (followup.assignee.email if followup.assignee else "")
    if not recipient:
        raise PermanentSendError(
            SendFailure.NO_RECIPIENT, "no recipient: neither an address nor an assignee"
        )
    try:
        validate_email(recipient)
    except ValidationError:
        raise PermanentSendError(
            SendFailure.INVALID_ADDRESS, f"invalid address: {recipient!r}"
        ) from None
    return recipient


def followups_send_due(*, limit: int = 200, now: datetime.datetime | None = None) -> int:
    """Puts the mail of up to ``limit`` due follow-ups in the outbox (each once, marking the row
    "sending"); returns how many rows it handled. outbox_deliver sends them.

    Safe to run concurrently and to repeat: see the module docstring. A row that cannot be sent
    (no or an invalid recipient) fails at once with its reason; one whose mail fails to render
    is retried with backoff and fails after MAX_ATTEMPTS. Failures show in the coordinators'
    "Failed to send" tab; the other rows go on.
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
    """Renders one claimed (locked) follow-up into the outbox, in the caller's transaction."""
    followup.attempts += 1
    try:
        recipient = _recipient(followup)
        with transaction.atomic():
            rendered = _render(followup, recipient)
            # One outbox row per follow-up, for good: a resend after a failure rewrites it and
            # keeps its Message-ID.
            OutboxEmail.objects.update_or_create(
                followup=followup,
                defaults={
                    "to": rendered.to,
                    "subject": rendered.subject,
                    "body_text": rendered.body_text,
                    "body_html": rendered.body_html,
                    "message_id": rendered.message_id,
                    "status": OutboxStatus.QUEUED,
                    "attempts": 0,
                    "next_attempt_at": None,
                    "sending_started_at": None,
                    "delivered_at": None,
                    "last_error": "",
                },
            )
            followup.status = FollowUpStatus.SENDING
            followup.next_attempt_at = None
            followup.last_error = ""
            followup.failure = ""
            followup.save(
                update_fields=["status", "attempts", "next_attempt_at", "last_error", "failure"]
            )
    except PermanentSendError as exc:
        followup.status = FollowUpStatus.FAILED
        followup.failure = exc.failure
        followup.last_error = str(exc)
        followup.next_attempt_at = None
        logger.error("follow-up %s cannot be sent: %s", followup.pk, followup.last_error)
        followup.save(
            update_fields=["attempts", "last_error", "failure", "status", "next_attempt_at"]
        )
    except Exception as exc:  # noqa: BLE001 - any failure of one row must not stop the batch
        followup.last_error = _error_text(exc)
        if followup.attempts >= MAX_ATTEMPTS:
            followup.status = FollowUpStatus.FAILED
            followup.failure = SendFailure.GAVE_UP
            followup.next_attempt_at = None
            logger.error("follow-up %s failed for good: %s", followup.pk, followup.last_error)
        else:
            followup.next_attempt_at = _next_attempt(followup.attempts, now)
            logger.warning(
                "follow-up %s will be retried (attempt %s of %s): %s",
                followup.pk,
                followup.attempts,
                MAX_ATTEMPTS,
                followup.last_error,
            )
        followup.save(
            update_fields=["attempts", "last_error", "failure", "status", "next_attempt_at"]
        )


# What a delivery attempt came to. RETRY: nothing reached the mail server (or it said "later"),
# so sending again is safe; REJECTED: the server refused for good; UNCERTAIN: the connection
# broke while the message was being handed over.
RETRY, REJECTED, UNCERTAIN = "retry", "rejected", "uncertain"

# Errors before a message could have been accepted: connecting, resolving, being refused.
_NOT_CONNECTED = (smtplib.SMTPConnectError, ConnectionRefusedError, socket.gaierror)


def _delivery_outcome(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return REJECTED if codes and all(code >= 500 for code in codes) else RETRY
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return RETRY  # our configuration, not this message: it may be fixed meanwhile
    if isinstance(exc, smtplib.SMTPResponseException):
        # The server answered: 5xx is its final "no", 4xx its "try later"; either way it did
        # not take the message.
        return REJECTED if exc.smtp_code >= 500 else RETRY
    if isinstance(exc, _NOT_CONNECTED):
        return RETRY
    return UNCERTAIN


def outbox_reconcile(*, now: datetime.datetime | None = None) -> int:
    """Marks outbox emails stuck in "sending" for longer than ``OUTBOX_SENDING_TIMEOUT`` (their
    sender stopped between claiming and recording the answer) and their follow-ups "uncertain",
    for a coordinator to resolve; returns how many. Never sends anything."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT)
    with transaction.atomic():
        stuck = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.SENDING, sending_started_at__lt=cutoff)
            .values_list("pk", "followup_id")
        )
        if not stuck:
            return 0
        note = "the sender stopped while handing the message to the mail server"
        OutboxEmail.objects.filter(pk__in=[pk for pk, _ in stuck]).update(
            status=OutboxStatus.UNCERTAIN, last_error=note
        )
        FollowUp.objects.filter(
            pk__in=[f for _, f in stuck if f], status=FollowUpStatus.SENDING
        ).update(status=FollowUpStatus.UNCERTAIN, failure=SendFailure.UNCERTAIN, last_error="")
    for pk, followup_id in stuck:
        logger.error("outbox email %s (follow-up %s): delivery uncertain", pk, followup_id)
    return len(stuck)


def _outbox_claim(moment: datetime.datetime) -> OutboxEmail | None:
    """Takes the next queued email and marks it "sending", committed, before anything leaves."""
    with transaction.atomic():
        message = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.QUEUED)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=moment))
            .order_by("created_at", "id")
            .first()
        )
        if message is None:
            return None
        message.status = OutboxStatus.SENDING
        message.sending_started_at = moment
        message.attempts += 1
        message.save(update_fields=["status", "sending_started_at", "attempts"])
    return message


def _as_email(message: OutboxEmail) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.to],
        headers={"Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


def _outbox_record(
    message: OutboxEmail,
    *,
    outcome: str,
    error: str = "",
    at: datetime.datetime,
    now: datetime.datetime,
) -> None:
    """Records what one claimed delivery came to, unless someone moved the email meanwhile (the
    claim is identified by its attempt number)."""
    mine = OutboxEmail.objects.filter(
        pk=message.pk,
        attempts=message.attempts,
        status__in=[OutboxStatus.SENDING, OutboxStatus.UNCERTAIN],
    )
    followup = FollowUp.objects.filter(
        pk=message.followup_id, status__in=[FollowUpStatus.SENDING, FollowUpStatus.UNCERTAIN]
    )
    with transaction.atomic():
        if outcome == "sent":
            # Also from "uncertain": the mail server's answer came late, but it came.
            if mine.update(status=OutboxStatus.SENT, delivered_at=at, last_error=""):
                followup.update(status=FollowUpStatus.SENT, sent_at=at, failure="", last_error="")
                FollowUp.objects.filter(pk=message.followup_id, sent_at__isnull=True).update(
                    sent_at=at
                )
            return
        mine = mine.filter(status=OutboxStatus.SENDING)
        followup = followup.filter(status=FollowUpStatus.SENDING)
        if outcome == RETRY and message.attempts < MAX_ATTEMPTS:
            if mine.update(
                status=OutboxStatus.QUEUED,
                next_attempt_at=_next_attempt(message.attempts, now),
                last_error=error,
            ):
                followup.update(last_error=error)
                logger.warning(
                    "outbox email %s will be retried (attempt %s of %s): %s",
                    message.pk,
                    message.attempts,
                    MAX_ATTEMPTS,
                    error,
                )
            return
        if outcome == UNCERTAIN:
            status, failure = OutboxStatus.UNCERTAIN, SendFailure.UNCERTAIN
        elif outcome == REJECTED:
            status, failure = OutboxStatus.FAILED, SendFailure.REJECTED
        else:
            status, failure = OutboxStatus.FAILED, SendFailure.GAVE_UP
        if mine.update(status=status, last_error=error):
            followup.update(
                status=FollowUpStatus.UNCERTAIN
                if status == OutboxStatus.UNCERTAIN
                else FollowUpStatus.FAILED,
                failure=failure,
                last_error=error,
            )
            logger.error("outbox email %s: %s (%s)", message.pk, failure, error)


def outbox_deliver(
    *,
    limit: int = 200,
    now: datetime.datetime | None = None,
    budget_seconds: float | None = None,
) -> int:
    """Delivers queued outbox emails through Django's email backend, each at most once; returns
    how many the mail server accepted. First reconciles emails stuck in "sending".

    ``budget_seconds`` stops claiming new emails after that long, so a task never runs into its
    time limit (which would kill it mid-delivery); the rest wait for the next run.
    """
    fixed_now = now
    now = now or timezone.now()
    outbox_reconcile(now=now)
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    delivered = 0
    for _ in range(limit):
        if deadline is not None and time.monotonic() > deadline:
            break
        message = _outbox_claim(fixed_now or timezone.now())
        if message is None:
            break
        outcome, error = _deliver_one(message)
        at = fixed_now or timezone.now()
        _outbox_record(message, outcome=outcome, error=error, at=at, now=at)
        delivered += outcome == "sent"
    return delivered


def _deliver_one(message: OutboxEmail) -> tuple[str, str]:
    """Hands one claimed email to the mail server; says "sent" or how it went wrong."""
    try:
        email = _as_email(message)
        email.message()  # a message that cannot be built fails before anything leaves
    except Exception as exc:  # noqa: BLE001 - recorded on the row
        return REJECTED, _error_text(exc)
    # A fresh connection per email: an error while opening it says for certain that nothing
    # left, and one while sending belongs to this email alone.
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - nothing left: safe to retry
        return RETRY, _error_text(exc)
    try:
        connection.send_messages([email])
    except Exception as exc:  # noqa: BLE001 - classified and recorded on the row
        return _delivery_outcome(exc), _error_text(exc)
    finally:
        # The message's fate is already known; a failing goodbye changes nothing.
        with contextlib.suppress(Exception):
            connection.close()
    return "sent", ""


# A coordinator's attention: the mail failed, or nobody knows whether it arrived.
ATTENTION_STATUSES = (FollowUpStatus.FAILED, FollowUpStatus.UNCERTAIN)


def followup_resend(*, followup: FollowUp, user: User) -> FollowUp:
    """A coordinator sends a failed or uncertain follow-up again: it goes back to the due list
    with a fresh count of attempts and is rendered anew (a corrected address or owner counts),
    under the same Message-ID, so a receiver can still tell a repeat."""
    with transaction.atomic():
        row = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if row.status not in (FollowUpStatus.FAILED, FollowUpStatus.UNCERTAIN):
            raise ValidationError(
                gettext("Only a follow-up that failed or is uncertain is resent.")
            )
        row.status = FollowUpStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = None
        row.last_error = ""
        row.failure = ""
        row.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "failure"])
    logger.info("follow-up %s: resend asked by user %s", row.pk, user.pk)
    return row


def followup_mark_delivered(*, followup: FollowUp, user: User) -> FollowUp:
    """A coordinator confirms that an uncertain follow-up's mail did arrive (the recipient has
    it): it becomes "sent" and is not sent again."""
    with transaction.atomic():
        row = FollowUp.objects.select_for_update().get(pk=followup.pk)
        if row.status != FollowUpStatus.UNCERTAIN:
            raise ValidationError(
                gettext("Only a follow-up whose delivery is uncertain is confirmed.")
            )
        message = OutboxEmail.objects.filter(followup=row).first()
        at = (message.sending_started_at if message else None) or timezone.now()
        if message is not None:
            OutboxEmail.objects.filter(pk=message.pk).update(
                status=OutboxStatus.SENT, delivered_at=at, last_error=""
            )
        row.status = FollowUpStatus.SENT
        row.sent_at = at
        row.failure = ""
        row.last_error = ""
        row.save(update_fields=["status", "sent_at", "failure", "last_error"])
    logger.info("follow-up %s: delivery confirmed by user %s", row.pk, user.pk)
    return row


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

OPEN_STATUSES = (
    FollowUpStatus.PENDING,
    FollowUpStatus.SENDING,
    FollowUpStatus.SENT,
    FollowUpStatus.FAILED,
    FollowUpStatus.UNCERTAIN,
)


def followup_related_register(*, subject_type: str, related: RelatedSubjects) -> None:
    """Registers ``related(subject)``, which yields (model label, ids) of records whose follow-ups
    move together with ``subject``'s (e.g. "jobseekers.JobSeeker" → its consents). ``ids`` is
    best a one-column queryset (``values_list("pk", flat=True)``), unevaluated: it becomes a
    subquery of followups_about's one query. Registering the same function twice is harmless."""
    functions = _RELATED.setdefault(subject_type, [])
    if related not in functions:
        functions.append(related)


def _ids_as_text(ids) -> Q | EqualsAny:
    """``subject_id`` among ``ids``: a queryset of one column stays a subquery (no query of its
    own); other ids are written out."""
    if isinstance(ids, QuerySet):
        return EqualsAny(F("subject_id"), Cast(ArraySubquery(ids), ArrayField(CharField())))
    return Q(subject_id__in=sorted({str(pk) for pk in ids}))


def _about(subject) -> Q:
    """The follow-ups about ``subject`` and its registered related records, as one condition."""
    about = Q(subject_type=subject._meta.label, subject_id=str(subject.pk))
    for related in _RELATED.get(subject._meta.label, []):
        for label, ids in related(subject):
            about |= Q(Q(subject_type=label), _ids_as_text(ids))
    return about


def followups_about(subject, *, statuses=OPEN_STATUSES) -> QuerySet[FollowUp]:
    """The follow-ups about ``subject`` and its registered related records (a job seeker's file
    lists those about their consents, clicks, placements...). One query, when the registered
    functions give their ids as querysets (subqueries), however many records there are."""
    return FollowUp.objects.filter(_about(subject), status__in=statuses).select_related("assignee")


def _move_to(rows: QuerySet[FollowUp], assignee: User | None) -> int:
    """Gives open follow-ups a new owner. One that failed for want of a recipient and was never
    sent gets a fresh start: the new owner is who it was waiting for."""
    moved = rows.filter(~Q(status=FollowUpStatus.FAILED) | Q(sent_at__isnull=False)).update(
        assignee=assignee
    )
    moved += rows.filter(status=FollowUpStatus.FAILED, sent_at__isnull=True).update(
        assignee=assignee,
        status=FollowUpStatus.PENDING,
        attempts=0,
        next_attempt_at=None,
        last_error="",
    )
    return moved


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
    rows = FollowUp.objects.filter(_about(subject), status__in=OPEN_STATUSES)
    rows = (
        rows.filter(assignee=old_assignee) if old_assignee else rows.filter(assignee__isnull=True)
    )
    with transaction.atomic():
        moved = _move_to(rows, new_assignee)
    return moved


def followups_cancel_open(*, subject, kinds: list[str], keep=()) -> int:
    """Cancels the not-yet-sent follow-ups of these kinds about ``subject`` (e.g. a placement's
    reminders once it ended, or those for an end date that moved); returns how many.

    ``keep``: (kind, due_on) pairs still right, left open. A pair, not a date: a moved end can
    put one kind's new date on another kind's old one (the new mid-term on the old end
    reminder), and that old reminder must still go.

    Rows already sent or done stay as they are: they are history. Call it in the transaction
    that makes the reminders outdated.
    """
    outdated = FollowUp.objects.filter(
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        kind__in=kinds,
        status=FollowUpStatus.PENDING,
    )
    for kind, due_on in keep:
        outdated = outdated.exclude(kind=kind, due_on=due_on)
    return outdated.update(status=FollowUpStatus.CANCELLED)


# --- Listing and assignment (the to-do pages) -------------------------------------------------
#
# What a follow-up is about is a (model label, id) pair; the to-do list names the person, the
# company and the visit behind it and links to them. This module imports no app, so it follows
# the subject's fields by name: the apps' models call them ``jobseeker``, ``employer`` and
# ``visit`` (a consent's, a click's, a placement's person; a report's visit; a visit's company).

PERSON_MODEL = "jobseekers.JobSeeker"
_SUBJECT_ROLES = {PERSON_MODEL: "person", "employers.Employer": "company", "visits.Visit": "visit"}
_ROLE_PATHS = {
    "person": ("jobseeker", "pairing__jobseeker", "placement__jobseeker"),
    "company": ("employer", "visit__employer", "opening__employer", "placement__employer"),
    "visit": ("visit", "report__visit"),
}


@dataclass(frozen=True)
class SubjectLink:
    """One thing a follow-up is about, as the to-do list shows it."""

    role: str  # "person", "company", "visit" or "record" (the subject itself: a placement...)
    label: str
    url: str


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_path(model, path: str) -> bool:
    for name in path.split("__"):
        try:
            field_ = model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: this model has no such link
            return False
        if not field_.many_to_one and not field_.one_to_one:
            return False
        model = field_.related_model
    return True


def _follow(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def followups_subject_links(followups: Iterable[FollowUp]) -> dict[int, list[SubjectLink]]:
    """For each follow-up (a page of the list): the person, company and visit it is about, and
    the record itself when it has a page, with links. A few queries per subject type, not per
    row; a subject that no longer exists gives no links."""
    followups = list(followups)
    wanted: dict[str, set[str]] = {}
    for followup in followups:
        wanted.setdefault(followup.subject_type, set()).add(followup.subject_id)
    subjects: dict[tuple[str, str], object] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None:
            continue
        paths = [p for role in _ROLE_PATHS.values() for p in role if _has_path(model, p)]
        qs = model._default_manager.filter(pk__in=[i for i in ids if i.isdigit()])
        for obj in qs.select_related(*paths):
            subjects[(label, str(obj.pk))] = obj
    links: dict[int, list[SubjectLink]] = {}
    for followup in followups:
        obj = subjects.get((followup.subject_type, followup.subject_id))
        row: list[SubjectLink] = []
        if obj is not None:
            own_role = _SUBJECT_ROLES.get(followup.subject_type)
            for role, paths in _ROLE_PATHS.items():
                target = obj if role == own_role else None
                for path in () if target is not None else paths:
                    target = _follow(obj, path)
                    if target is not None:
                        break
                if target is not None and hasattr(target, "get_absolute_url"):
                    row.append(SubjectLink(role, str(target), target.get_absolute_url()))
            if own_role is None and hasattr(obj, "get_absolute_url"):
                name = str(obj._meta.verbose_name)
                row.append(
                    SubjectLink("record", name[:1].upper() + name[1:], obj.get_absolute_url())
                )
        links[followup.pk] = row
    return links


def _person_sort_key(subject_types: Iterable[str]):
    """An SQL expression: "last name first name" of the person a row is about ('' if none)."""
    whens = []
    for label in sorted(set(subject_types)):
        model = _model(label)
        if model is None:
            continue
        if label == PERSON_MODEL:
            prefix = ""
        else:
            path = next((p for p in _ROLE_PATHS["person"] if _has_path(model, p)), None)
            if path is None:
                continue
            prefix = path + "__"
        name = (
            model._default_manager.filter(pk=Cast(OuterRef("subject_id"), BigIntegerField()))
            .annotate(_name=Concat(f"{prefix}last_name", Value(" "), f"{prefix}first_name"))
            .values("_name")[:1]
        )
        whens.append(When(subject_type=label, then=Subquery(name)))
    return Case(*whens, default=Value(""), output_field=CharField())


def _kind_label(kind: FollowUpKind) -> str:
    if kind.label:
        return str(kind.label)

    class Blanks(dict):
        def __missing__(self, key):
            return "…"

    try:
        return str(kind.title) % Blanks()
    except (TypeError, ValueError):
        return kind.key


def followup_action(followup: FollowUp) -> tuple[str, str] | None:
    """The kind's answer button for an open row (text, url), if it has one."""
    kind = _KINDS.get(followup.kind)
    if kind is None or kind.action is None or followup.status not in OPEN_STATUSES:
        return None
    return kind.action(followup)


def followup_kind_choices() -> list[tuple[str, str]]:
    """(value, label) for the kind filter: kinds that read the same share one option, whose
    value lists their keys (comma-separated)."""
    by_label: dict[str, list[str]] = {}
    for key, kind in sorted(_KINDS.items()):
        by_label.setdefault(_kind_label(kind), []).append(key)
    return sorted(((",".join(keys), label) for label, keys in by_label.items()), key=lambda c: c[1])


FOLLOWUP_SORTS = {
    "due": ("due_on",),
    "kind": ("kind", "due_on"),
    "person": ("person_sort", "due_on"),
    "owner": ("assignee__last_name", "assignee__first_name", "assignee__email", "due_on"),
}


@dataclass(frozen=True)
class FollowUpFilter:
    """What the to-do list shows: which tab, kinds, a person's name, an owner, the order."""

    show: str = "mine"  # mine | all (coordinators) | done | failed (coordinators)
    kinds: tuple[str, ...] = ()
    person: str = ""
    owner: str = ""  # a user id, "none" (unassigned) or "" (anyone); coordinators only
    overdue_only: bool = False


def followups_listed(*, user: User, spec: FollowUpFilter) -> QuerySet[FollowUp]:
    """The rows of the to-do list for ``user`` under ``spec``, annotated with ``person_sort``
    (order them with FOLLOWUP_SORTS). Caseworkers see their own rows only, whatever they ask;
    coordinators see everyone's (tab "all") and the failed sends."""
    qs = followups_for_user(user)
    coordinator = user.is_authenticated and user.is_coordinator
    if spec.show == "failed" and coordinator:
        qs = qs.filter(status__in=ATTENTION_STATUSES)
    elif spec.show == "done":
        qs = qs.filter(assignee=user, status=FollowUpStatus.DONE)
    elif spec.show == "all" and coordinator:
        qs = qs.filter(status__in=OPEN_STATUSES)
    else:
        qs = qs.filter(assignee=user, status__in=OPEN_STATUSES)
    if spec.kinds:
        qs = qs.filter(kind__in=spec.kinds)
    if coordinator and spec.show in ("all", "failed") and spec.owner:
        if spec.owner == "none":
            qs = qs.filter(assignee__isnull=True)
        elif spec.owner.isdigit():
            qs = qs.filter(assignee_id=int(spec.owner))
    if spec.overdue_only:
        qs = qs.filter(due_on__lt=timezone.localdate(), status__in=OPEN_STATUSES)
    types = FollowUp.objects.order_by().values_list("subject_type", flat=True).distinct()
    qs = qs.annotate(person_sort=_person_sort_key(types))
    for word in spec.person.split()[:5]:
        qs = qs.filter(person_sort__icontains=word)
    return qs


def followup_owners() -> QuerySet[User]:
    """Who may own follow-ups: active caseworkers and coordinators (``back_office_staff``)."""
    return back_office_staff()


def followups_assign(*, followup_ids: Iterable[int], assignee: User, assigned_by: User) -> int:
    """A coordinator hands open follow-ups to a colleague in one go; returns how many moved.

    Only open rows move (done and cancelled ones are history). A row that failed without ever
    being sent gets a fresh start with its new owner, as in followups_reassign.
    """
    if not assigned_by.is_coordinator:
        raise PermissionDenied
    if not followup_owners().filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": gettext("This person cannot own follow-ups.")})
    rows = FollowUp.objects.filter(pk__in=list(followup_ids), status__in=OPEN_STATUSES)
    with transaction.atomic():
        moved = _move_to(rows, assignee)
    logger.info("%s moved %s follow-ups to %s", assigned_by.pk, moved, assignee.pk)
    return moved


def followups_done_about(*, subject, kinds: Iterable[str], user: User | None = None) -> int:
    """Marks the open follow-ups of these kinds about ``subject`` done (the question they ask
    was answered elsewhere: a job check in the portal, say); returns how many. Call it in the
    transaction that records the answer."""
    return FollowUp.objects.filter(
        subject_type=subject._meta.label,
        subject_id=str(subject.pk),
        kind__in=list(kinds),
        status__in=OPEN_STATUSES,
    ).update(status=FollowUpStatus.DONE, done_at=timezone.now())
