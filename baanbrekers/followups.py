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

How exactly-once sending holds: a worker claims one due row at a time with
``SELECT ... FOR UPDATE SKIP LOCKED`` and, in that same transaction, writes the email to the
outbox and marks the row sent. A worker killed mid-batch rolls back its open transaction, so the
row is still pending and the next run takes it; two runs at once (beat firing twice) never take
the same row. Delivery from the outbox to the mail server is a second step with the same claim
pattern and a stable Message-ID.

Dates are calendar days in Europe/Amsterdam (``timezone.localdate``); rules turn a timestamp into
a local date before any day arithmetic.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import FollowUp, FollowUpStatus, OutboxEmail, User

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


_KINDS: dict[str, FollowUpKind] = {}


def followup_kind_register(
    *,
    key: str,
    title,
    body="",
    email_template_prefix: str = "",
    email_context: EmailContext | None = None,
    format_params: Callable[[dict], dict] | None = None,
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
            "assignee": assignee,
            "recipient_email": recipient_email,
            "municipality": municipality,
        },
    )
    return followup


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
