"""The pipeline's part of the job seeker's and the employer's file: proposals and answers,
placements with check-ins and evaluations, buddy pairs with meetings and introductions, jobs
and their checks, and the next steps (propose, start a buddy pairing, record a job).
Registered in PlacementsConfig.ready().

Everything comes through the models' ``visible_to(user)``; each function runs a fixed number of
queries (select_related / prefetch_related), however many records a person or company has.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from baanbrekers.models import User
from baanbrekers.timeline import FileAction, FileEntry, choice_label, user_name_fields
from employers.models import Employer, OpeningStatus
from jobseekers.models import JobSeeker

from .access import matchable_openings, may_work_in_pipeline
from .models import (
    BuddyPairing,
    BuddyStatus,
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    JobCheck,
    JobOutcome,
    Proposal,
    ProposalAnswer,
)

OPENINGS_ON_EMPLOYER_FILE = 5


def _job_url(job: JobOutcome) -> str:
    try:
        return job.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return reverse("placements:job_list")


# --- Entries shared by both files ----------------------------------------------------------------
def _proposal_entries(proposals, *, name_of) -> Iterator[FileEntry]:
    for proposal in proposals:
        url = reverse("placements:proposal_detail", args=[proposal.pk])
        yield FileEntry(
            at=proposal.proposed_at,
            kind="proposal",
            title=_("Proposed for %(opening)s") % {"opening": name_of(proposal)},
            url=url,
            text=proposal.motivation,
            author=str(proposal.proposed_by) if proposal.proposed_by else "",
            state=choice_label(proposal, "answer"),
        )
        if proposal.answer != ProposalAnswer.PENDING and proposal.answered_at:
            yield FileEntry(
                at=proposal.answered_at,
                kind="answer",
                title=_("Answer to the proposal: %(answer)s")
                % {"answer": choice_label(proposal, "answer")},
                url=url,
                text=proposal.answer_reason,
            )
        if proposal.introduction_agreed and proposal.introduction_agreed_at:
            yield FileEntry(
                at=proposal.introduction_agreed_at,
                kind="answer",
                title=_("Introduction agreed"),
                url=url,
            )


def _placement_entries(placements, *, name_of) -> Iterator[FileEntry]:
    for placement in placements:
        url = reverse("placements:placement_detail", args=[placement.pk])
        yield FileEntry(
            at=placement.start_date,
            kind="placement",
            title=_("Development placement %(where)s") % {"where": name_of(placement)},
            url=url,
            text=_("%(start)s to %(end)s, %(hours)s hours a week")
            % {
                "start": date_format(placement.start_date, "j F Y"),
                "end": date_format(placement.planned_end_date, "j F Y"),
                "hours": placement.hours_per_week,
            },
            state=choice_label(placement, "status"),
        )
        if placement.ended_on:
            yield FileEntry(
                at=placement.ended_on,
                kind="placement",
                title=_("Placement ended: %(outcome)s")
                % {"outcome": choice_label(placement, "outcome") or "—"},
                url=url,
                text=placement.end_reason,
            )
        for checkin in placement.checkins.all():
            yield FileEntry(
                at=checkin.held_on,
                kind="checkin",
                title=_("Check-in on the placement"),
                url=url,
                text=checkin.notes,
                author=str(checkin.author) if checkin.author else "",
            )
        for evaluation in placement.evaluations.all():
            yield FileEntry(
                at=evaluation.held_on,
                kind="evaluation",
                title=_("Evaluation (%(moment)s, %(by)s)")
                % {
                    "moment": choice_label(evaluation, "moment").lower(),
                    "by": choice_label(evaluation, "evaluator").lower(),
                },
                url=url,
                text=evaluation.progress,
            )


def _job_entries(jobs, *, name_of) -> Iterator[FileEntry]:
    for job in jobs:
        url = _job_url(job)
        yield FileEntry(
            at=job.start_date,
            kind="job",
            title=_("Paid work %(where)s") % {"where": name_of(job)},
            url=url,
            text=_("%(contract)s, %(hours)s hours a week")
            % {"contract": choice_label(job, "contract_type"), "hours": job.hours_per_week},
            state=choice_label(job, "route"),
        )
        if getattr(job, "end_date", None):
            yield FileEntry(at=job.end_date, kind="job", title=_("Job ended"), url=url)
        for check in job.checks.all():
            yield FileEntry(
                at=check.checked_on,
                kind="jobcheck",
                title=_("Still working after %(months)s months?") % {"months": check.months},
                url=url,
                state=_("yes") if check.still_working else _("no"),
                text=choice_label(check, "source"),
            )


# The columns the entries show (an entry's page needs only the id; ``only()`` keeps the foreign
# keys the prefetches join on): a timeline reads no more than it shows, which also makes its
# statements cheaper to compose. Each file adds the other party's name.
_PROPOSAL_SHOWN = (
    "proposed_at",
    "motivation",
    "answer",
    "answered_at",
    "answer_reason",
    "introduction_agreed",
    "introduction_agreed_at",
    "opening__title",
    *user_name_fields("proposed_by"),
)
_PLACEMENT_SHOWN = (
    "start_date",
    "planned_end_date",
    "hours_per_week",
    "status",
    "ended_on",
    "outcome",
    "end_reason",
)
_JOB_SHOWN = ("start_date", "end_date", "contract_type", "hours_per_week", "route", "employer_name")
# How a job seeker is named (``JobSeeker.__str__``) on the employer's file.
_PERSON_NAME = ("jobseeker__first_name", "jobseeker__last_name", "jobseeker__anonymised_on")


def _placements_qs(user: User):
    return DevelopmentPlacement.objects.visible_to(user).prefetch_related(
        Prefetch(
            "checkins",
            queryset=CheckIn.objects.select_related("author").only(
                "placement", "held_on", "notes", *user_name_fields("author")
            ),
        ),
        Prefetch(
            "evaluations",
            queryset=Evaluation.objects.only(
                "placement", "held_on", "moment", "evaluator", "progress"
            ),
        ),
    )


def _jobs_qs(user: User):
    return JobOutcome.objects.visible_to(user).prefetch_related(
        Prefetch(
            "checks",
            queryset=JobCheck.objects.only(
                "job", "checked_on", "months", "still_working", "source"
            ),
        )
    )


# --- The job seeker's file -----------------------------------------------------------------------
def jobseeker_entries(jobseeker: JobSeeker, user: User) -> Iterator[FileEntry]:
    proposals = (
        Proposal.objects.visible_to(user)
        .filter(jobseeker=jobseeker)
        .select_related("opening__employer", "proposed_by")
        .only(*_PROPOSAL_SHOWN, "opening__employer__trade_name")
    )
    yield from _proposal_entries(
        proposals,
        name_of=lambda p: (
            _("%(opening)s at %(employer)s")
            % {"opening": p.opening.title, "employer": p.opening.employer}
        ),
    )
    placements = (
        _placements_qs(user)
        .filter(jobseeker=jobseeker)
        .select_related("employer")
        .only(*_PLACEMENT_SHOWN, "employer__trade_name")
    )
    yield from _placement_entries(
        placements, name_of=lambda p: _("at %(employer)s") % {"employer": p.employer}
    )
    jobs = (
        _jobs_qs(user)
        .filter(jobseeker=jobseeker)
        .select_related("employer")
        .only(*_JOB_SHOWN, "employer__trade_name")
    )
    yield from _job_entries(
        jobs, name_of=lambda j: _("at %(employer)s") % {"employer": j.employer_display}
    )
    pairings = list(
        BuddyPairing.objects.visible_to(user)
        .filter(jobseeker=jobseeker)
        .prefetch_related("meetings", "introductions")
    )
    # Kept for jobseeker_actions on the same page: whether a pairing still runs is then known
    # without asking again (the file's entries are gathered before its actions).
    jobseeker._file_buddy_pairings = (user.pk, pairings)
    for pairing in pairings:
        url = reverse("placements:buddy_detail", args=[pairing.pk])
        yield FileEntry(
            at=pairing.start_date,
            kind="buddy",
            title=_("Buddy pairing with %(buddy)s") % {"buddy": pairing.buddy_name},
            url=url,
            text=pairing.goals,
            state=choice_label(pairing, "status"),
        )
        for meeting in pairing.meetings.all():
            yield FileEntry(
                at=meeting.held_on,
                kind="meeting",
                title=_("Buddy meeting (%(kind)s)")
                % {"kind": choice_label(meeting, "kind").lower()},
                url=url,
                text=meeting.notes,
            )
        for intro in pairing.introductions.all():
            yield FileEntry(
                at=intro.introduced_on,
                kind="introduction",
                title=_("Introduced to %(person)s (%(company)s)")
                % {"person": intro.person_name, "company": intro.company_name},
                url=url,
                text=intro.notes,
                state=choice_label(intro, "outcome"),
            )


def jobseeker_actions(jobseeker: JobSeeker, user: User) -> Iterator[FileAction]:
    if not may_work_in_pipeline(user):
        return
    yield FileAction(
        key="propose",
        label=_("Propose to an opening"),
        url=reverse("placements:jobseeker_propose", args=[jobseeker.pk]),
        order=10,
        primary=True,
    )
    yield FileAction(
        key="matches",
        label=_("Matching openings and companies"),
        url=reverse("placements:jobseeker_matches", args=[jobseeker.pk]),
        order=15,
    )
    loaded = getattr(jobseeker, "_file_buddy_pairings", None)
    if loaded is not None and loaded[0] == user.pk:
        # The entries' pairings: everything the user may see of a person they see is every
        # pairing of that person (both are scoped by the person's municipality).
        active_buddy = any(pairing.status != BuddyStatus.ENDED for pairing in loaded[1])
    else:
        active_buddy = (
            BuddyPairing.objects.filter(jobseeker=jobseeker)
            .exclude(status=BuddyStatus.ENDED)
            .exists()
        )
    if not active_buddy:
        yield FileAction(
            key="buddy",
            label=_("Start a buddy pairing"),
            url=reverse("placements:buddy_create", args=[jobseeker.pk]),
            order=30,
        )
    yield FileAction(
        key="job",
        label=_("Record a job"),
        url=reverse("placements:job_create", args=[jobseeker.pk]),
        order=40,
    )


# --- The employer's file -------------------------------------------------------------------------
def employer_entries(employer: Employer, user: User) -> Iterator[FileEntry]:
    from employers.timeline import open_followups

    proposals = (
        Proposal.objects.visible_to(user)
        .filter(opening__employer=employer)
        .select_related("opening", "jobseeker", "proposed_by")
        .only(*_PROPOSAL_SHOWN, *_PERSON_NAME)
    )
    yield from _proposal_entries(
        proposals,
        name_of=lambda p: (
            _("%(opening)s: %(name)s") % {"opening": p.opening.title, "name": p.jobseeker}
        ),
    )
    placements = list(
        _placements_qs(user)
        .filter(employer=employer)
        .select_related("jobseeker")
        .only(*_PLACEMENT_SHOWN, *_PERSON_NAME)
    )
    yield from _placement_entries(
        placements, name_of=lambda p: _("of %(name)s") % {"name": p.jobseeker}
    )
    jobs = (
        _jobs_qs(user)
        .filter(employer=employer)
        .select_related("jobseeker", "employer")
        .only(*_JOB_SHOWN, *_PERSON_NAME, "employer__trade_name")
    )
    yield from _job_entries(jobs, name_of=lambda j: _("for %(name)s") % {"name": j.jobseeker})
    # The reminders about its placements (mid-term, end) belong on the company's file too.
    yield from open_followups(placements)


def employer_actions(employer: Employer, user: User) -> Iterator[FileAction]:
    if not may_work_in_pipeline(user):
        return
    openings = (
        matchable_openings(user)
        .filter(employer=employer, status=OpeningStatus.OPEN)
        .order_by("title")[:OPENINGS_ON_EMPLOYER_FILE]
    )
    for opening in openings:
        yield FileAction(
            key=f"candidates-{opening.pk}",
            label=_("Find candidates for %(opening)s") % {"opening": opening.title},
            url=reverse("placements:opening_matches", args=[opening.pk]),
            order=10,
        )


def register() -> None:
    from employers.timeline import employer_file
    from jobseekers.timeline import jobseeker_file

    jobseeker_file.register(entries=jobseeker_entries, actions=jobseeker_actions)
    employer_file.register(entries=employer_entries, actions=employer_actions)
