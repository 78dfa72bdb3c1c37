"""Correcting an evaluation: by who filed it (or, for the supervisor's, a colleague at the same
company), for a few days (``settings.LEAD_TIMES["evaluation_correctable"]``). Recording one is
``placements.services.placements.evaluation_record``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from baanbrekers.access import is_employer_contact, works_in_back_office
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from baanbrekers.validators import date_format

from ..models import Evaluation, Evaluator
from ..transitions import employer_contact_of

CORRECTABLE_FIELDS = ("held_on", "progress", "rating", "next_steps")


def evaluation_may_correct(evaluation: Evaluation, user: User) -> bool:
    """Who may correct: the back office its own (caseworker's) evaluations and any it recorded;
    an employer contact the supervisor's evaluations of a placement at their own company."""
    if evaluation.recorded_by_id == user.pk:
        return True
    if evaluation.evaluator == Evaluator.SUPERVISOR:
        return is_employer_contact(user) and employer_contact_of(user, evaluation.placement)
    return works_in_back_office(user)


def evaluation_correct(
    *,
    evaluation: Evaluation,
    corrected_by: User,
    held_on: datetime.date,
    progress: str,
    rating: int | None = None,
    next_steps: str = "",
) -> Evaluation:
    """Changes date, progress, rating and next steps of an evaluation filed at most
    ``LEAD_TIMES["evaluation_correctable"]`` days ago; the same limits as when it was filed
    (dated within the placement, not in the future). Audited with the changed field names.
    The row is locked, so two corrections at once are applied one after the other.
    """
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update().select_related("placement").get(pk=evaluation.pk)
        )
        if not evaluation_may_correct(evaluation, corrected_by):
            raise PermissionDenied
        if not evaluation.is_correctable():
            raise ValidationError(
                _("This evaluation could be corrected until %(date)s; ask your contact person.")
                % {"date": date_format(evaluation.correctable_until)},
                code="not_correctable",
            )
        values = {
            "held_on": held_on,
            "progress": (progress or "").strip(),
            "rating": rating,
            "next_steps": (next_steps or "").strip(),
        }
        changed = [name for name, value in values.items() if getattr(evaluation, name) != value]
        for name in changed:
            setattr(evaluation, name, values[name])
        evaluation.full_clean(exclude=["placement", "recorded_by"], validate_unique=False)
        if changed:
            evaluation.save(update_fields=changed)
            audit_record(
                actor=corrected_by,
                action=AuditAction.UPDATE,
                obj=evaluation,
                detail={"fields": changed},
            )
    return evaluation
