"""The placements' follow-up kinds and rules, registered with the engine
(baanbrekers.followups) in PlacementsConfig.ready().

placements.services schedules the caseworker's mid-term and end reminders when a placement
starts (kinds ``placement_midterm``/``placement_end``); the rules below add the notices before
the mid-term evaluation and the planned end, the buddy check-ins and the job checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from baanbrekers.followups import (
    Wanted,
    followup_kind,
    followup_kind_register,
    followup_owner,
    followup_related_register,
    followup_rule_register,
    local_today,
)

from .models import (
    BuddyPairing,
    BuddyStatus,
    DevelopmentPlacement,
    Evaluation,
    EvaluationMoment,
    Evaluator,
    JobCheck,
    JobOutcome,
    PlacementStatus,
)
from .services import add_months

KIND_PLACEMENT_MIDTERM = "placement_midterm"
KIND_PLACEMENT_END = "placement_end"
KIND_PLACEMENT_MIDTERM_SOON = "placement.midterm_soon"
KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR = "placement.midterm_soon.supervisor"
KIND_PLACEMENT_END_SOON_SUPERVISOR = "placement.end_soon.supervisor"
KIND_BUDDY_CHECKIN = "buddy.checkin"


def _days(name: str) -> datetime.timedelta:
    return datetime.timedelta(days=settings.LEAD_TIMES[name])


# --- Placements ------------------------------------------------------------------------------


def placement_notices(now: datetime.datetime) -> Iterable[Wanted]:
    """LEAD_TIMES["placement_midterm"] days before the mid-term evaluation the caseworker and
    the supervisor are reminded; LEAD_TIMES["placement_ending"] days before the planned end,
    the supervisor (the caseworker's end reminder is placements.services')."""
    today = local_today(now)
    midterm_notice = _days("placement_midterm")
    end_notice = _days("placement_ending")
    placements = (
        DevelopmentPlacement.objects.filter(status=PlacementStatus.ACTIVE)
        .select_related("jobseeker__municipality", "jobseeker__caseworker", "employer")
        .select_related("supervisor", "caseworker")
        .order_by("id")
    )
    evaluated = set(
        Evaluation.objects.filter(
            moment=EvaluationMoment.MIDTERM, placement__status=PlacementStatus.ACTIVE
        ).values_list("placement_id", "evaluator")
    )
    for placement in placements:
        person = placement.jobseeker
        caseworker = followup_owner(
            assignee=placement.caseworker,
            caseworker=person.caseworker,
            municipality=person.municipality,
        )
        supervisor_email = placement.supervisor.email if placement.supervisor_id else ""
        municipality = person.municipality
        names = {
            "name": person.initials_name,
            "employer": str(placement.employer),
            "date": placement.midpoint.strftime("%d-%m-%Y"),
        }
        if placement.midpoint >= today:
            if (placement.pk, Evaluator.CASEWORKER) not in evaluated:
                yield Wanted(
                    kind=KIND_PLACEMENT_MIDTERM_SOON,
                    subject=placement,
                    due_on=placement.midpoint - midterm_notice,
                    params=names,
                    assignee=caseworker,
                    municipality=municipality,
                )
            if supervisor_email and (placement.pk, Evaluator.SUPERVISOR) not in evaluated:
                yield Wanted(
                    kind=KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
                    subject=placement,
                    due_on=placement.midpoint - midterm_notice,
                    params=names,
                    recipient_email=supervisor_email,
                    municipality=municipality,
                )
        end = placement.planned_end_date
        if supervisor_email and end >= today:
            yield Wanted(
                kind=KIND_PLACEMENT_END_SOON_SUPERVISOR,
                subject=placement,
                due_on=end - end_notice,
                params={**names, "date": end.strftime("%d-%m-%Y")},
                recipient_email=supervisor_email,
                municipality=municipality,
            )


# --- Buddies ---------------------------------------------------------------------------------


def buddy_checkins(now: datetime.datetime) -> Iterable[Wanted]:
    """Each month on the day the pairing started, the caseworker checks in with the pair."""
    today = local_today(now)
    pairings = (
        BuddyPairing.objects.filter(status=BuddyStatus.ACTIVE, start_date__lt=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("jobseeker__municipality", "jobseeker__caseworker", "caseworker")
        .order_by("id")
    )
    for pairing in pairings:
        months = (
            (today.year - pairing.start_date.year) * 12 + today.month - pairing.start_date.month
        )
        due = add_months(pairing.start_date, months)
        if due > today:
            months -= 1
            due = add_months(pairing.start_date, months)
        if months < 1:
            continue
        yield Wanted(
            kind=KIND_BUDDY_CHECKIN,
            subject=pairing,
            due_on=due,
            params={"name": pairing.jobseeker.initials_name, "buddy": pairing.buddy_name},
            assignee=followup_owner(
                assignee=pairing.caseworker,
                caseworker=pairing.jobseeker.caseworker,
                municipality=pairing.jobseeker.municipality,
            ),
            municipality=pairing.jobseeker.municipality,
        )


# --- Lasting work ----------------------------------------------------------------------------


def job_retention_kind(months: int) -> str:
    """The kind of the check ``months`` after a job's start (one kind per month count, so the
    6- and 12-month checks of one job are two rows); registered on first use, so a month
    count added in settings needs no code."""
    key = f"job.still_working_{months}m"
    if followup_kind(key) is None:
        followup_kind_register(
            key=key,
            title=_(
                "Is %(name)s still working at %(employer)s, %(months)s months after the start?"
            ),
            body=_(
                "The job started on %(date)s. Record whether the person still works there, "
                "so that the council sees lasting work and not only starts."
            ),
            label=format_lazy(_("Still working after {months} months?"), months=months),
            action=job_check_action,
        )
    return key


def job_check_action(followup) -> tuple[str, str]:
    """The to-do list's answer button: the job's page, at the check's form."""
    months = (followup.params or {}).get("months", "")
    url = reverse("placements:job_detail", args=[followup.subject_id])
    return str(_("Record the answer")), f"{url}?months={months}#check"


def job_retention_kinds() -> tuple[str, ...]:
    return tuple(job_retention_kind(months) for months in settings.JOB_RETENTION_CHECK_MONTHS)


def jobs_still_working(now: datetime.datetime) -> Iterable[Wanted]:
    """JOB_RETENTION_CHECK_MONTHS (6 and 12) months after a paid job started: does the person
    still work there? A check whose date passed during an outage is caught up for
    LEAD_TIMES["followup_catch_up"] days, no longer."""
    today = local_today(now)
    catch_up = _days("followup_catch_up")
    for months in settings.JOB_RETENTION_CHECK_MONTHS:
        first_start = add_months(today - catch_up, -months)
        last_start = add_months(today, -months)
        jobs = (
            JobOutcome.objects.filter(
                start_date__gte=first_start - datetime.timedelta(days=3),
                start_date__lte=last_start + datetime.timedelta(days=3),
            )
            .select_related(
                "jobseeker__municipality", "jobseeker__caseworker", "employer__relationship_owner"
            )
            .order_by("id")
        )
        answered = set(
            JobCheck.objects.filter(job__in=jobs, months=months).values_list("job_id", flat=True)
        )
        for job in jobs:
            due = add_months(job.start_date, months)
            if not (today - catch_up <= due <= today):
                continue
            if job.pk in answered or job.ended_by(due):
                continue  # answered already (the employer in the portal), or known: it ended
            yield Wanted(
                kind=job_retention_kind(months),
                subject=job,
                due_on=due,
                params={
                    "name": job.jobseeker.initials_name,
                    "employer": str(job.employer_display),
                    "months": months,
                    "date": job.start_date.strftime("%d-%m-%Y"),
                },
                # The person's caseworker asks; else whoever knows the employer.
                assignee=followup_owner(
                    assignee=job.jobseeker.caseworker,
                    relationship_owner=job.employer.relationship_owner if job.employer_id else None,
                    municipality=job.jobseeker.municipality,
                ),
                municipality=job.jobseeker.municipality,
            )


# --- Reassignment ----------------------------------------------------------------------------


def jobseeker_placements_jobs_pairings(jobseeker) -> Iterator[tuple[str, Iterable[int]]]:
    """A job seeker's placements, jobs and buddy pairings: their follow-ups move with the
    person's caseworker."""
    # Querysets, not lists: followups_about reads them as subqueries of its one query.
    for model in (DevelopmentPlacement, JobOutcome, BuddyPairing):
        yield (
            model._meta.label,
            model.objects.filter(jobseeker=jobseeker).order_by().values_list("pk", flat=True),
        )


def register() -> None:
    followup_kind_register(
        key=KIND_PLACEMENT_MIDTERM,
        title=_("Mid-term evaluation of a development placement at %(employer)s"),
    )
    followup_kind_register(
        key=KIND_PLACEMENT_END,
        title=_("Placement at %(employer)s ends on %(date)s: decide on paid work in time"),
    )
    followup_kind_register(
        key=KIND_PLACEMENT_MIDTERM_SOON,
        title=_("Plan the mid-term evaluation of %(name)s at %(employer)s (%(date)s)"),
        body=_(
            "Agree a date with the supervisor and the job seeker, and look ahead: "
            "could this become paid work?"
        ),
    )
    followup_kind_register(
        key=KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
        title=_("Mid-term evaluation of %(name)s on %(date)s"),
        body=_(
            "Halfway through the development placement we look back on the learning "
            "goals together, and ahead: is there a chance of paid work with you? "
            "The caseworker will contact you to agree a date."
        ),
    )
    followup_kind_register(
        key=KIND_PLACEMENT_END_SOON_SUPERVISOR,
        title=_("The development placement of %(name)s ends on %(date)s"),
        body=_(
            "Please decide in time whether you can offer paid work, and let the "
            "caseworker know, so that nobody has to wait after the placement ends."
        ),
    )
    followup_kind_register(
        key=KIND_BUDDY_CHECKIN,
        title=_("Monthly check-in with %(name)s and buddy %(buddy)s"),
        body=_(
            "How are the meetings going, which doors has the buddy opened, "
            "and what came of the introductions?"
        ),
    )
    job_retention_kinds()
    followup_rule_register(
        "placement_notices",
        placement_notices,
        kinds=[
            KIND_PLACEMENT_MIDTERM_SOON,
            KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
            KIND_PLACEMENT_END_SOON_SUPERVISOR,
        ],
        cancels_stale=True,
    )
    followup_rule_register(
        "buddy_checkins", buddy_checkins, kinds=[KIND_BUDDY_CHECKIN], cancels_stale=True
    )
    followup_rule_register("jobs_still_working", jobs_still_working, kinds=job_retention_kinds)
    followup_related_register(
        subject_type="jobseekers.JobSeeker", related=jobseeker_placements_jobs_pairings
    )
