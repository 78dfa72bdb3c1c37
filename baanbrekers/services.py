"""Project-wide use cases: the audit log and the shared vocabulary."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest

from .followups import followup_schedule  # noqa: F401 - its home is the engine; kept for callers
from .models import AuditAction, AuditEvent, Skill, User


def _audit_event(
    *, actor: User | None, action: str, object_type: str, object_id, detail, request
) -> AuditEvent:
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=f"{object_type} #{object_id}" if object_id else object_type,
        detail=detail or {},
        ip_address=ip,
    )


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Writes one audit event. ``obj`` names the record; never pass protected values in detail.

    Runs inside the caller's transaction: when the caller's change rolls back, so does its
    audit event, and a reveal is only logged together with what it revealed.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or obj.pk
    event = _audit_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        request=request,
    )
    event.save(force_insert=True)
    return event


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    objs: Iterable,
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """``audit_record`` for several records (an import's batch of new files): the same event
    per record, written in one insert. Runs inside the caller's transaction."""
    events = [
        _audit_event(
            actor=actor,
            action=action,
            object_type=obj._meta.label,
            object_id=obj.pk,
            detail=None,
            request=request,
        )
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events) if events else []


def audit_list_record(
    *,
    actor: User | None,
    model,
    ids: Iterable[int],
    source: str,
    page: int | str | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent | None:
    """One audit event for a page of a list of personal records: which ids the user saw.

    ``source`` says where ("page", "api", "admin"); an empty page shows nobody and is not
    recorded. Lists are read far more often than files are opened: one event per page, not one
    per row."""
    seen = [int(pk) for pk in ids]
    if not seen:
        return None
    detail: dict = {"list": source, "ids": seen}
    if page is not None:
        detail["page"] = str(page)[:20]
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=model._meta.label,
        detail=detail,
        request=request,
    )


def skills_from_names(names: Iterable[str]) -> list[Skill]:
    """Finds or adds the vocabulary entries for these names (case-insensitive, trimmed).

    Safe under concurrency: when two caseworkers add the same new word at once, the unique
    constraint lets one insert win and the other reads it.
    """
    cleaned: dict[str, str] = {}
    for name in names:
        name = " ".join((name or "").split())[:80]
        if name:
            cleaned.setdefault(name.lower(), name)
    if not cleaned:
        return []
    existing = {
        s.name.lower(): s
        for s in Skill.objects.annotate(lname=Lower("name")).filter(lname__in=list(cleaned))
    }
    result = []
    for key, name in cleaned.items():
        skill = existing.get(key)
        if skill is None:
            try:
                with transaction.atomic():
                    skill = Skill.objects.create(name=name)
            except IntegrityError:
                skill = Skill.objects.annotate(lname=Lower("name")).get(lname=key)
        result.append(skill)
    return result
