"""Use cases of the follow-up rules: apply them all, as often as wanted."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from baanbrekers.models import FollowUp, FollowUpStatus
from baanbrekers.services import followup_schedule

from .rules import RULES, Rule, Wanted

logger = logging.getLogger(__name__)

# pg advisory lock key of a rules run ("FOLLOWUP" in ASCII, as a number that fits a bigint).
RULES_LOCK = 0x464F4C4C4F575550


@dataclass(frozen=True)
class RuleOutcome:
    created: int = 0
    cancelled: int = 0
    revived: int = 0


class RulesFailed(Exception):
    """Some rules raised; the others were applied and committed."""


def _apply(rule: Rule, now) -> RuleOutcome:
    wanted: dict[tuple, Wanted] = {}
    for item in rule.wanted(now):
        if item.kind not in rule.kinds:
            raise ValueError(f"rule {rule.name} made a follow-up of kind {item.kind!r}")
        wanted.setdefault(item.key, item)
    subject_ids = sorted({key[2] for key in wanted})
    existing = {
        (kind, subject_type, subject_id, due_on): (pk, status)
        for pk, kind, subject_type, subject_id, due_on, status in FollowUp.objects.filter(
            kind__in=rule.kinds, subject_id__in=subject_ids
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
            title=str(item.title),
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
                kind__in=rule.kinds, status=FollowUpStatus.PENDING
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
    *, now=None, rules: tuple[Rule, ...] = RULES
) -> dict[str, RuleOutcome] | None:
    """Applies every rule at ``now``: makes the follow-ups they want (idempotent per kind, record
    and due date), cancels pending ones they no longer want, and returns what each rule did.

    One run at a time: a transaction-scoped advisory lock makes a second, concurrent run (beat
    firing twice) return None at once instead of doing the same work. Each rule runs in its own
    savepoint, so a rule that raises leaves the others' work in place; RulesFailed is raised
    after the commit. Due dates depend on the data, not on ``now``'s hour, so running every hour
    changes nothing until the data or the date does.
    """
    now = now or timezone.now()
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
                # Titles and texts are stored as they will be mailed and listed: in Dutch.
                with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                    outcomes[rule.name] = _apply(rule, now)
            except Exception:  # noqa: BLE001 - one broken rule must not stop the others
                logger.exception("follow-up rule %s failed", rule.name)
                failed.append(rule.name)
    if failed:
        raise RulesFailed(", ".join(failed))
    return outcomes
