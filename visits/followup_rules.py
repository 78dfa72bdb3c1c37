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
    followup_related_register,
    followup_rule_register,
    local_today,
)

from .models import Click, Visit, VisitReport, VisitStatus
from .services import FOLLOWUP_ACTION, FOLLOWUP_CLICK, FOLLOWUP_THANKS, next_working_day

KIND_VISIT_REPORT_MISSING = "visit.report_missing"
KIND_VISIT_OPENINGS = "visit.record_openings"


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
        .select_related("employer__municipality", "planned_by")
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
            assignee=visit.planned_by,
            municipality=visit.employer.municipality,
        )


def visit_openings_to_record(now: datetime.datetime) -> Iterable[Wanted]:
    reports = (
        VisitReport.objects.exclude(new_openings="")
        .filter(created_at__gte=now - _lookback())
        .select_related("visit__employer__municipality", "written_by")
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
            assignee=report.written_by,
            municipality=employer.municipality,
        )


def jobseeker_clicks(jobseeker) -> Iterator[tuple[str, list[int]]]:
    """A job seeker's clicks: their follow-ups move with the person's caseworker."""
    ids = list(Click.objects.filter(jobseeker=jobseeker).values_list("pk", flat=True))
    if ids:
        yield Click._meta.label, ids


def register() -> None:
    followup_kind_register(key=FOLLOWUP_THANKS, title=_("Thank %(employer)s for the visit"))
    followup_kind_register(
        key=FOLLOWUP_CLICK,
        title=_("Act on the click between %(name)s and %(employer)s"),
    )
    # An agreed action's title is what was agreed, in the words of whoever wrote the report.
    followup_kind_register(key=FOLLOWUP_ACTION, title="%(what)s")
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
    followup_rule_register(
        "visit_report_missing",
        visit_report_missing,
        kinds=[KIND_VISIT_REPORT_MISSING],
        cancels_stale=True,
    )
    followup_rule_register("visit_openings", visit_openings_to_record, kinds=[KIND_VISIT_OPENINGS])
    followup_related_register(subject_type="jobseekers.JobSeeker", related=jobseeker_clicks)
