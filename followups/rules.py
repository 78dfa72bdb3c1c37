"""The rules that turn the state of our files into follow-ups with due dates.

Each rule says which follow-ups it wants right now: a kind, a record, a due date and who acts.
Due dates follow from the data alone (a placement's midpoint, a job's start, the last contact
with an employer), never from the moment the rule happens to run, so running the rules every
hour, twice at once or after a week of downtime makes each follow-up once (followup_schedule is
idempotent per kind, record and due date).

Dates are calendar days in Europe/Amsterdam (``timezone.localdate``); a timestamp becomes a date
there before any day arithmetic, so a contact at 00:30 on a summer night counts for that day,
not for the UTC day before.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Exists, Max, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.models import FollowUp, Role, User
from employers.models import Employer, EmployerStatus
from jobseekers.models import Consent, JobSeekerStatus
from jobseekers.services import CONSENT_FOLLOWUP_KIND
from placements.models import (
    BuddyPairing,
    BuddyStatus,
    DevelopmentPlacement,
    Evaluation,
    EvaluationMoment,
    Evaluator,
    JobOutcome,
    PlacementStatus,
)
from placements.services import add_months
from visits.models import Visit, VisitReport, VisitStatus
from visits.services import next_working_day

# Employers we have not spoken to for this long get a follow-up for their relationship owner.
NO_CONTACT_DAYS = 90
# Placements: the caseworker and the supervisor are reminded this long before the mid-term
# evaluation, and the supervisor before the planned end (the caseworker's end reminder is made
# by placements.services when the placement starts).
PLACEMENT_NOTICE_DAYS = 14
# Consents: a reminder once a consent expires within this many days.
CONSENT_NOTICE_DAYS = 30
# Jobs: is the person still working there this many months after the start?
RETENTION_MONTHS = (6, 12)
# Rules that fire on a date already passed catch up this far back, no further: after a long
# outage nobody needs a six-month check of a job that started years ago.
CATCH_UP_DAYS = 31
# A visit whose report is still missing is chased for this long.
VISIT_LOOKBACK_DAYS = 60
# The aldermen's digest: the week starts on Monday; it goes out from this hour on.
DIGEST_HOUR = 7

KIND_VISIT_REPORT_MISSING = "visit.report_missing"
KIND_VISIT_OPENINGS = "visit.record_openings"
KIND_PLACEMENT_MIDTERM_SOON = "placement.midterm_soon"
KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR = "placement.midterm_soon.supervisor"
KIND_PLACEMENT_END_SOON_SUPERVISOR = "placement.end_soon.supervisor"
KIND_BUDDY_CHECKIN = "buddy.checkin"
KIND_EMPLOYER_NO_CONTACT = "employer.no_contact"
KIND_CONSENT_EXPIRING = "consent.expires_within_month"
KIND_JOB_RETENTION = {6: "job.still_working_6m", 12: "job.still_working_12m"}
KIND_DIGEST = "digest.weekly"


@dataclass(frozen=True)
class Wanted:
    """One follow-up a rule wants to exist."""

    kind: str
    subject: object
    due_on: datetime.date
    title: str
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
    kinds: tuple[str, ...]
    wanted: Callable[[datetime.datetime], Iterable[Wanted]]
    cancels_stale: bool = False


def local_today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware moment a local calendar day starts (00:00 exists every day in NL)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- After a visit ---------------------------------------------------------------------------
# visits.services.visit_report_save already makes the thank-you, one follow-up per click and
# one per agreed action. Missing were: a report nobody wrote, and openings noted in the report
# that still have to be recorded as openings.


def visit_report_missing(now: datetime.datetime) -> Iterable[Wanted]:
    today = local_today(now)
    visits = (
        Visit.objects.filter(
            status=VisitStatus.PLANNED,
            starts_at__lt=now,
            starts_at__gte=now - datetime.timedelta(days=VISIT_LOOKBACK_DAYS),
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
            title=_("Write the report of the visit to %(employer)s") % {"employer": visit.employer},
            body=_(
                "The visit of %(date)s has no report yet. The report records the clicks, "
                "the agreed actions and the thank-you to the employer."
            )
            % {"date": timezone.localtime(visit.starts_at).strftime("%d-%m-%Y")},
            assignee=visit.planned_by,
            municipality=visit.employer.municipality,
        )


def visit_openings_to_record(now: datetime.datetime) -> Iterable[Wanted]:
    reports = (
        VisitReport.objects.exclude(new_openings="")
        .filter(created_at__gte=now - datetime.timedelta(days=VISIT_LOOKBACK_DAYS))
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
            title=_("Record the openings noted at %(employer)s") % {"employer": employer},
            body=report.new_openings,
            assignee=report.written_by,
            municipality=employer.municipality,
        )


# --- Placements ------------------------------------------------------------------------------


def placement_notices(now: datetime.datetime) -> Iterable[Wanted]:
    today = local_today(now)
    notice = datetime.timedelta(days=PLACEMENT_NOTICE_DAYS)
    placements = (
        DevelopmentPlacement.objects.filter(status=PlacementStatus.ACTIVE)
        .select_related("jobseeker__municipality", "jobseeker__caseworker", "employer")
        .select_related("supervisor", "caseworker")
        .order_by("id")
    )
    evaluated = {
        (placement_id, evaluator)
        for placement_id, evaluator in Evaluation.objects.filter(
            moment=EvaluationMoment.MIDTERM, placement__status=PlacementStatus.ACTIVE
        ).values_list("placement_id", "evaluator")
    }
    for placement in placements:
        person = placement.jobseeker
        caseworker = placement.caseworker or person.caseworker
        supervisor_email = placement.supervisor.email if placement.supervisor_id else ""
        municipality = person.municipality
        names = {
            "name": person.initials_name,
            "employer": placement.employer,
            "date": placement.midpoint.strftime("%d-%m-%Y"),
        }
        if placement.midpoint >= today:
            if (placement.pk, Evaluator.CASEWORKER) not in evaluated:
                yield Wanted(
                    kind=KIND_PLACEMENT_MIDTERM_SOON,
                    subject=placement,
                    due_on=placement.midpoint - notice,
                    title=_("Plan the mid-term evaluation of %(name)s at %(employer)s (%(date)s)")
                    % names,
                    body=_(
                        "Agree a date with the supervisor and the job seeker, and look ahead: "
                        "could this become paid work?"
                    ),
                    assignee=caseworker,
                    municipality=municipality,
                )
            if supervisor_email and (placement.pk, Evaluator.SUPERVISOR) not in evaluated:
                yield Wanted(
                    kind=KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
                    subject=placement,
                    due_on=placement.midpoint - notice,
                    title=_("Mid-term evaluation of %(name)s on %(date)s") % names,
                    body=_(
                        "Halfway through the development placement we look back on the learning "
                        "goals together, and ahead: is there a chance of paid work with you? "
                        "The caseworker will contact you to agree a date."
                    ),
                    recipient_email=supervisor_email,
                    municipality=municipality,
                )
        end = placement.planned_end_date
        if supervisor_email and end >= today:
            yield Wanted(
                kind=KIND_PLACEMENT_END_SOON_SUPERVISOR,
                subject=placement,
                due_on=end - notice,
                title=_("The development placement of %(name)s ends on %(date)s")
                % {**names, "date": end.strftime("%d-%m-%Y")},
                body=_(
                    "Please decide in time whether you can offer paid work, and let the "
                    "caseworker know, so that nobody has to wait after the placement ends."
                ),
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
            title=_("Monthly check-in with %(name)s and buddy %(buddy)s")
            % {"name": pairing.jobseeker.initials_name, "buddy": pairing.buddy_name},
            body=_(
                "How are the meetings going, which doors has the buddy opened, "
                "and what came of the introductions?"
            ),
            assignee=pairing.caseworker or pairing.jobseeker.caseworker,
            municipality=pairing.jobseeker.municipality,
        )


# --- Employers -------------------------------------------------------------------------------


def employers_without_contact(now: datetime.datetime) -> Iterable[Wanted]:
    """Due NO_CONTACT_DAYS after the last contact moment (or, never contacted, after the
    employer was added); a new contact moves the date, and the old reminder is cancelled."""
    today = local_today(now)
    # A day of slack in SQL; the exact test is on local dates below.
    cutoff = now - datetime.timedelta(days=NO_CONTACT_DAYS - 1)
    employers = (
        Employer.objects.exclude(status=EmployerStatus.DORMANT)
        .annotate(last_contact=Max("contact_moments__happened_at"))
        .filter(Q(last_contact__lt=cutoff) | Q(last_contact__isnull=True, created_at__lt=cutoff))
        .select_related("municipality", "relationship_owner")
        .order_by("id")
    )
    for employer in employers:
        since = timezone.localdate(employer.last_contact or employer.created_at)
        due = since + datetime.timedelta(days=NO_CONTACT_DAYS)
        if due > today:
            continue
        if employer.last_contact:
            body = _("The last contact moment was on %(date)s.") % {
                "date": since.strftime("%d-%m-%Y")
            }
        else:
            body = _("No contact moment has been recorded since %(date)s.") % {
                "date": since.strftime("%d-%m-%Y")
            }
        yield Wanted(
            kind=KIND_EMPLOYER_NO_CONTACT,
            subject=employer,
            due_on=due,
            title=_("No contact with %(employer)s for %(days)s days")
            % {"employer": employer, "days": NO_CONTACT_DAYS},
            body=body,
            assignee=employer.relationship_owner,
            municipality=employer.municipality,
        )


# --- Consents --------------------------------------------------------------------------------


def consents_expiring(now: datetime.datetime) -> Iterable[Wanted]:
    """Consents in force that end within CONSENT_NOTICE_DAYS and were not renewed.

    jobseekers.services.consent_give already schedules a reminder for the consents it records;
    this rule covers those that have none (recorded before that existed, imported), so nobody
    gets two reminders for one consent.
    """
    today = local_today(now)
    reminded = FollowUp.objects.filter(
        kind=CONSENT_FOLLOWUP_KIND,
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
        .filter(valid_until__lte=today + datetime.timedelta(days=CONSENT_NOTICE_DAYS))
        .exclude(jobseeker__status=JobSeekerStatus.LEFT)
        .filter(~Exists(reminded), ~Exists(renewed))
        .select_related("jobseeker__municipality", "jobseeker__caseworker")
        .order_by("id")
    )
    for consent in consents:
        yield Wanted(
            kind=KIND_CONSENT_EXPIRING,
            subject=consent,
            due_on=consent.valid_until - datetime.timedelta(days=CONSENT_NOTICE_DAYS),
            title=_("A consent expires within a month"),
            # No name: the reminder travels by email. The link leads to the file.
            body=_("%(kind)s, valid until %(until)s. Ask whether it may be renewed.")
            % {
                "kind": consent.get_kind_display(),
                "until": consent.valid_until.strftime("%d-%m-%Y"),
            },
            assignee=consent.jobseeker.caseworker,
            municipality=consent.jobseeker.municipality,
        )


# --- Lasting work ----------------------------------------------------------------------------


def jobs_still_working(now: datetime.datetime) -> Iterable[Wanted]:
    """6 and 12 months after a paid job started: does the person still work there?"""
    today = local_today(now)
    for months in RETENTION_MONTHS:
        first_start = add_months(today - datetime.timedelta(days=CATCH_UP_DAYS), -months)
        last_start = add_months(today, -months)
        jobs = (
            JobOutcome.objects.filter(
                start_date__gte=first_start - datetime.timedelta(days=3),
                start_date__lte=last_start + datetime.timedelta(days=3),
            )
            .select_related("jobseeker__municipality", "jobseeker__caseworker", "employer")
            .order_by("id")
        )
        for job in jobs:
            due = add_months(job.start_date, months)
            if not (today - datetime.timedelta(days=CATCH_UP_DAYS) <= due <= today):
                continue
            yield Wanted(
                kind=KIND_JOB_RETENTION[months],
                subject=job,
                due_on=due,
                title=_(
                    "Is %(name)s still working at %(employer)s, %(months)s months after the start?"
                )
                % {
                    "name": job.jobseeker.initials_name,
                    "employer": job.employer_display,
                    "months": months,
                },
                body=_(
                    "The job started on %(date)s. Record whether the person still works there, "
                    "so that the council sees lasting work and not only starts."
                )
                % {"date": job.start_date.strftime("%d-%m-%Y")},
                assignee=job.jobseeker.caseworker,
                municipality=job.jobseeker.municipality,
            )


# --- The aldermen's weekly digest ------------------------------------------------------------


def digest_week_start(now: datetime.datetime) -> datetime.date:
    """The Monday of the digest that is due at ``now``: this week's from Monday DIGEST_HOUR
    local time on, last week's before."""
    local = timezone.localtime(now)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    if local.weekday() == 0 and local.hour < DIGEST_HOUR:
        monday -= datetime.timedelta(days=7)
    return monday


def aldermen_digests(now: datetime.datetime) -> Iterable[Wanted]:
    week_start = digest_week_start(now)
    aldermen = (
        User.objects.filter(role=Role.ALDERMAN, is_active=True)
        .exclude(email="")
        .prefetch_related("municipalities")
        .order_by("id")
    )
    for alderman in aldermen:
        municipalities = list(alderman.municipalities.all())
        yield Wanted(
            kind=KIND_DIGEST,
            subject=alderman,
            due_on=week_start,
            title=_("Weekly digest, week %(week)s") % {"week": week_start.isocalendar().week},
            recipient_email=alderman.email,
            municipality=municipalities[0] if len(municipalities) == 1 else None,
        )


RULES: tuple[Rule, ...] = (
    Rule(
        "visit_report_missing",
        (KIND_VISIT_REPORT_MISSING,),
        visit_report_missing,
        cancels_stale=True,
    ),
    Rule("visit_openings", (KIND_VISIT_OPENINGS,), visit_openings_to_record),
    Rule(
        "placement_notices",
        (
            KIND_PLACEMENT_MIDTERM_SOON,
            KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
            KIND_PLACEMENT_END_SOON_SUPERVISOR,
        ),
        placement_notices,
        cancels_stale=True,
    ),
    Rule("buddy_checkins", (KIND_BUDDY_CHECKIN,), buddy_checkins, cancels_stale=True),
    Rule(
        "employers_without_contact",
        (KIND_EMPLOYER_NO_CONTACT,),
        employers_without_contact,
        cancels_stale=True,
    ),
    Rule("consents_expiring", (KIND_CONSENT_EXPIRING,), consents_expiring, cancels_stale=True),
    Rule("jobs_still_working", tuple(KIND_JOB_RETENTION.values()), jobs_still_working),
    Rule("aldermen_digests", (KIND_DIGEST,), aldermen_digests, cancels_stale=True),
)
