"""The job seekers' follow-up kinds and rules, registered with the engine
(baanbrekers.followups) in JobseekersConfig.ready()."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from baanbrekers.followups import (
    Wanted,
    followup_kind_register,
    followup_owner,
    followup_related_register,
    followup_rule_register,
    local_today,
)
from baanbrekers.models import FollowUp

from .models import Consent, ConsentKind, JobSeeker, JobSeekerStatus

# The reminder consent_give schedules for the consent it records.
KIND_CONSENT_REMINDER = "consent_expiring"
# The reminder the rule makes for consents without one (recorded before that existed, imported).
KIND_CONSENT_EXPIRING = "consent.expires_within_month"


def consent_reminder_due_on(valid_until: datetime.date, today: datetime.date) -> datetime.date:
    """LEAD_TIMES["consent_expiring"] days before the end, but not in the past."""
    lead = datetime.timedelta(days=settings.LEAD_TIMES["consent_expiring"])
    return max(valid_until - lead, today)


def consent_reminder_params(consent: Consent) -> dict:
    # No name: the reminder may travel by email. The link leads to the file.
    return {"consent_kind": consent.kind, "until": consent.valid_until.strftime("%d-%m-%Y")}


def _consent_display(params: dict) -> dict:
    # The consent's kind is shown by its label, in the reader's language.
    kind = params.get("consent_kind", "")
    label = ConsentKind(kind).label if kind in ConsentKind.values else kind
    return {**params, "kind": label}


def consents_expiring(now: datetime.datetime) -> Iterable[Wanted]:
    """Consents in force that end within LEAD_TIMES["consent_expiring"] days and were not
    renewed.

    jobseekers.services.consent_give already schedules a reminder for the consents it records;
    this rule covers those that have none, so nobody gets two reminders for one consent.
    """
    lead = datetime.timedelta(days=settings.LEAD_TIMES["consent_expiring"])
    today = local_today(now)
    reminded = FollowUp.objects.filter(
        kind=KIND_CONSENT_REMINDER,
        subject_type=Consent._meta.label,
        subject_id=Cast(OuterRef("pk"), CharField()),
    )
    renewed = Consent.objects.filter(
        jobseeker_id=OuterRef("jobseeker_id"),
        kind=OuterRef("kind"),
        withdrawn_on__isnull=True,
        valid_until__gt=OuterRef("valid_until"),
    )
    consents = (
        Consent.objects.valid(on=today)
        .filter(valid_until__lte=today + lead)
        .exclude(jobseeker__status=JobSeekerStatus.LEFT)
        .filter(~Exists(reminded), ~Exists(renewed))
        .select_related("jobseeker__municipality", "jobseeker__caseworker")
        .order_by("id")
    )
    for consent in consents:
        yield Wanted(
            kind=KIND_CONSENT_EXPIRING,
            subject=consent,
            due_on=consent.valid_until - lead,
            params=consent_reminder_params(consent),
            assignee=followup_owner(
                caseworker=consent.jobseeker.caseworker,
                municipality=consent.jobseeker.municipality,
            ),
            municipality=consent.jobseeker.municipality,
        )


def jobseeker_consents(jobseeker: JobSeeker) -> Iterator[tuple[str, Iterable[int]]]:
    """A job seeker's consents: their reminders move with the person's caseworker."""
    # A queryset, not a list: followups_about reads it as a subquery of its one query.
    yield (
        Consent._meta.label,
        Consent.objects.filter(jobseeker=jobseeker).order_by().values_list("pk", flat=True),
    )


def register() -> None:
    followup_kind_register(
        key=KIND_CONSENT_REMINDER,
        title=_("A consent is about to expire"),
        body=_("%(kind)s, valid until %(until)s."),
        format_params=_consent_display,
    )
    followup_kind_register(
        key=KIND_CONSENT_EXPIRING,
        title=_("A consent is about to expire"),
        body=_("%(kind)s, valid until %(until)s. Ask whether it may be renewed."),
        format_params=_consent_display,
    )
    followup_rule_register(
        "consents_expiring",
        consents_expiring,
        kinds=[KIND_CONSENT_EXPIRING],
        cancels_stale=True,
    )
    followup_related_register(subject_type="jobseekers.JobSeeker", related=jobseeker_consents)
