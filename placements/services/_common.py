"""Helpers shared by the use cases of the pipeline: date arithmetic, and the locking and
auditing every placement transition does."""

from __future__ import annotations

import calendar
import datetime

from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record

from ..models import DevelopmentPlacement


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28
    or 29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def _locked(placement: DevelopmentPlacement) -> DevelopmentPlacement:
    return DevelopmentPlacement.objects.select_for_update().get(pk=placement.pk)


def _save(placement: DevelopmentPlacement, by: User, fields: list[str], event: str):
    placement.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=placement, detail={"event": event})
