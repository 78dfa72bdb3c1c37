"""The visits' follow-up kinds and rules, registered with the engine (baanbrekers.followups) in
VisitsConfig.ready().

visits.services.visit_report_save makes the thank-you, one follow-up per click and one per
agreed action when a report is written; the rules below add what nobody does by hand: a report
nobody wrote, and openings noted in a report that still have to be recorded as openings.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baanbrekers.followups import (
    Wanted,
    followup_kind_register,
    followup_owner,
    followup_related_register,
    followup_rule_register,
    local_today,
)

from .models import Click, Visit, VisitReport, VisitSignUp, VisitStatus
from .services import (
    FOLLOWUP_ACTION,
    FOLLOWUP_CANCELLED,
    FOLLOWUP_CLICK,
    FOLLOWUP_THANKS,
    next_working_day,
)

KIND_VISIT_REPORT_MISSING = "visit.report_missing"
KIND_VISIT_OPENINGS = "visit.record_openings"
# Scheduled by visits.services.visit_cancel, one per person who had signed up.
KIND_VISIT_CANCELLED = FOLLOWUP_CANCELLED


def _lookback() -> datetime.timedelta:
    return datetime.timedelta(days=settings.LEAD_TIMES["visit_report_lookback"])


def visit_report_missing(now: datetime.datetime) -> Iterable[Wanted]:
    today = local_today(now)
    visits = (
        Visit.objects.filter(
            status=VisitStatus.PLANNED,
            starts_at__lt=now,
            starts_at__gte=now - _lookback(),
            report__isnull=True,
        )
        .select_related("employer__municipality", "employer__relationship_owner", "planned_by")
        .order_by("starts_at", "id")
    )
    for visit in visits:
        if visit.ends_at > now:
            continue
        due = next_working_day(timezone.localdate(visit.starts_at))
        if due > today:
            continue
        yield Wanted(
            kind=KIND_VISIT_REPORT_MISSING,
            subject=visit,
            due_on=due,
            params={
                "employer": str(visit.employer),
                "date": timezone.localtime(visit.starts_at).strftime("%d-%m-%Y"),
            },
            assignee=followup_owner(
                assignee=visit.planned_by,
                relationship_owner=visit.employer.relationship_owner,
                municipality=visit.employer.municipality,
            ),
            municipality=visit.employer.municipality,
        )


def visit_openings_to_record(now: datetime.datetime) -> Iterable[Wanted]:
    reports = (
        VisitReport.objects.exclude(new_openings="")
        .filter(created_at__gte=now - _lookback())
        .select_related(
            "visit__employer__municipality", "visit__employer__relationship_owner", "written_by"
        )
        .order_by("created_at", "id")
    )
    for report in reports:
        if not report.new_openings.strip():
            continue
        employer = report.visit.employer
        yield Wanted(
            kind=KIND_VISIT_OPENINGS,
            subject=report,
            due_on=next_working_day(timezone.localdate(report.created_at)),
            params={"employer": str(employer)},
            body=report.new_openings,
            assignee=followup_owner(
                assignee=report.written_by,
                relationship_owner=employer.relationship_owner,
                municipality=employer.municipality,
            ),
            municipality=employer.municipality,
        )


def jobseeker_clicks(jobseeker) -> Iterator[tuple[str, Iterable[int]]]:
    """A job seeker's clicks: their follow-ups move with the person's caseworker."""
    # A queryset, not a list: followups_about reads it as a subquery of its one query.
    yield (
        Click._meta.label,
        Click.objects.filter(jobseeker=jobseeker).order_by().values_list("pk", flat=True),
    )


def jobseeker_signups(jobseeker) -> Iterator[tuple[str, Iterable[int]]]:
    """A job seeker's visit sign-ups: the "visit cancelled" follow-ups move with their
    caseworker too."""
    yield (
        VisitSignUp._meta.label,
        VisitSignUp.objects.filter(jobseeker=jobseeker).order_by().values_list("pk", flat=True),
    )


def register() -> None:
    # Mailed to the host: its employer mail (what was agreed, never the report's notes) is
    # added by portal.followup_rules, which knows the portal page the host acts on.
    followup_kind_register(key=FOLLOWUP_THANKS, title=_("Thank %(employer)s for the visit"))
    followup_kind_register(
        key=FOLLOWUP_CLICK,
        title=_("Act on the click between %(name)s and %(employer)s"),
    )
    # An agreed action's title is what was agreed, in the words of whoever wrote the report.
    followup_kind_register(key=FOLLOWUP_ACTION, title="%(what)s", label=_("Agreed action"))
    followup_kind_register(
        key=KIND_VISIT_REPORT_MISSING,
        title=_("Write the report of the visit to %(employer)s"),
        body=_(
            "The visit of %(date)s has no report yet. The report records the clicks, "
            "the agreed actions and the thank-you to the employer."
        ),
    )
    followup_kind_register(
        key=KIND_VISIT_OPENINGS, title=_("Record the openings noted at %(employer)s")
    )
    followup_kind_register(
        key=KIND_VISIT_CANCELLED,
        title=_("Tell %(name)s that the visit to %(employer)s is cancelled"),
        body=_(
            "The visit to %(employer)s on %(date)s is cancelled. %(name)s had signed up for it: "
            "let them know, and look for another visit that suits them."
        ),
    )
    followup_rule_register(
        "visit_report_missing",
        visit_report_missing,
        kinds=[KIND_VISIT_REPORT_MISSING],
        cancels_stale=True,
    )
    followup_rule_register("visit_openings", visit_openings_to_record, kinds=[KIND_VISIT_OPENINGS])
    followup_related_register(subject_type="jobseekers.JobSeeker", related=jobseeker_clicks)
    followup_related_register(subject_type="jobseekers.JobSeeker", related=jobseeker_signups)
