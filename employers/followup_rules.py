"""The employers' follow-up kinds and rules, registered with the engine (baanbrekers.followups)
in EmployersConfig.ready()."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.followups import (
    Wanted,
    followup_kind_register,
    followup_owner,
    followup_rule_register,
    local_today,
)

from .models import Employer, EmployerStatus

KIND_EMPLOYER_NO_CONTACT = "employer.no_contact"


def _no_contact_body(params: dict):
    if params.get("never"):
        return _("No contact moment has been recorded since %(date)s.")
    return _("The last contact moment was on %(date)s.")


def employers_without_contact(now: datetime.datetime) -> Iterable[Wanted]:
    """Due LEAD_TIMES["employer_no_contact"] days after the last contact moment (or, never
    contacted, after the employer was added); a new contact moves the date, and the old
    reminder is cancelled."""
    days = settings.LEAD_TIMES["employer_no_contact"]
    today = local_today(now)
    # A day of slack in SQL; the exact test is on local dates below.
    cutoff = now - datetime.timedelta(days=days - 1)
    employers = (
        Employer.objects.exclude(status=EmployerStatus.DORMANT)
        .annotate(last_contact=Max("contact_moments__happened_at"))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, created_at__lt=cutoff))
        .select_related("municipality", "relationship_owner")
        .order_by("id")
    )
    for employer in employers:
        since = timezone.localdate(employer.last_contact or employer.created_at)
        due = since + datetime.timedelta(days=days)
        if due > today:
            continue
        yield Wanted(
            kind=KIND_EMPLOYER_NO_CONTACT,
            subject=employer,
            due_on=due,
            params={
                "employer": str(employer),
                "days": days,
                "date": since.strftime("%d-%m-%Y"),
                "never": not employer.last_contact,
            },
            assignee=followup_owner(
                relationship_owner=employer.relationship_owner, municipality=employer.municipality
            ),
            municipality=employer.municipality,
        )


def register() -> None:
    followup_kind_register(
        key=KIND_EMPLOYER_NO_CONTACT,
        title=_("No contact with %(employer)s for %(days)s days"),
        body=_no_contact_body,
    )
    followup_rule_register(
        "employers_without_contact",
        employers_without_contact,
        kinds=[KIND_EMPLOYER_NO_CONTACT],
        cancels_stale=True,
    )
