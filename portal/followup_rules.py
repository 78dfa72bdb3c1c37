"""The portal's follow-up kinds and rules: notices to employer contacts, each sent once by the
engine (baanbrekers.followups) and each linking to the portal page where they act. Registered
in PortalConfig.ready().

- a new proposal for one of their openings (answer it: the candidate page);
- contact details of a candidate available (introduction agreed and the person consents);
- the 6/12-month "still working?" check of a paid job at the company (answered at /portal/jobs/).

It also gives the lower apps' kinds that mail an employer contact their employer mail: the
thank-you after a visit (visits) and the supervisor's notices before the mid-term evaluation
and the planned end (placements).

The recipient is a contact with a portal account: who posted the opening or answered the
proposal, else the company's primary portal contact. A company without a portal account gets
no notice (the caseworker's own follow-ups cover it).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import fields

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from baanbrekers.followups import (
    Wanted,
    followup_kind,
    followup_kind_register,
    followup_rule_register,
    local_today,
)
from baanbrekers.mail import employer_followup_context
from employers.models import EmployerContact
from jobseekers.models import ConsentKind, JobSeeker
from placements.followup_rules import (
    KIND_PLACEMENT_END_SOON_SUPERVISOR,
    KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR,
)
from placements.models import DevelopmentPlacement, JobOutcome, Proposal, ProposalAnswer
from placements.services import job_checks_open, job_retention_due_on
from visits.models import Visit
from visits.services import FOLLOWUP_THANKS

KIND_PROPOSAL_NEW = "portal.proposal_new"
KIND_CONTACT_DETAILS = "portal.contact_details"
KIND_JOB_CHECK = "portal.job_check"


def _catch_up() -> datetime.timedelta:
    return datetime.timedelta(days=settings.LEAD_TIMES["followup_catch_up"])


def portal_recipient(employer, *, prefer=()) -> EmployerContact | None:
    """The contact with a portal account who hears about ``employer``: one of the ``prefer``
    users (who posted or answered), else the primary contact, else the longest known."""
    contacts = [
        contact
        for contact in EmployerContact.objects.filter(
            employer=employer, user__isnull=False, user__is_active=True
        )
        .select_related("user")
        .order_by("-is_primary", "id")
    ]
    preferred = [c for c in contacts if c.user_id in {u for u in prefer if u}]
    return (preferred or contacts or [None])[0]


def _wanted(kind, subject, due_on, employer, params, prefer=()) -> Wanted | None:
    contact = portal_recipient(employer, prefer=prefer)
    if contact is None:
        return None
    return Wanted(
        kind=kind,
        subject=subject,
        due_on=due_on,
        params={"employer": employer.trade_name, **params},
        recipient_email=contact.user.email,
        municipality=employer.municipality,
    )


def proposals_new(now: datetime.datetime) -> Iterable[Wanted]:
    """A proposal waiting for the employer's answer, made in the last few days, for a person
    whose anonymised profile the employer may see."""
    today = local_today(now)
    since = now - _catch_up()
    sharing = JobSeeker.objects.consenting_to(ConsentKind.SHARE_PROFILE)
    proposals = (
        Proposal.objects.filter(
            answer=ProposalAnswer.PENDING, proposed_at__gte=since, jobseeker__in=sharing
        )
        .select_related("opening__employer__municipality", "opening__created_by")
        .order_by("id")
    )
    for proposal in proposals:
        employer = proposal.opening.employer
        item = _wanted(
            KIND_PROPOSAL_NEW,
            proposal,
            min(today, local_today(proposal.proposed_at)),
            employer,
            {"opening": proposal.opening.title},
            prefer=(proposal.opening.created_by_id,),
        )
        if item is not None:
            yield item


def contact_details_available(now: datetime.datetime) -> Iterable[Wanted]:
    """An introduction agreed in the last few days, for a person who consents to it: the
    employer may now see the name, email and phone on the candidate page."""
    since = now - _catch_up()
    introducing = JobSeeker.objects.consenting_to(ConsentKind.INTRODUCTION)
    proposals = (
        Proposal.objects.filter(
            introduction_agreed=True,
            introduction_agreed_at__gte=since,
            jobseeker__in=introducing,
        )
        .select_related("opening__employer__municipality")
        .order_by("id")
    )
    for proposal in proposals:
        item = _wanted(
            KIND_CONTACT_DETAILS,
            proposal,
            local_today(proposal.introduction_agreed_at),
            proposal.opening.employer,
            {"opening": proposal.opening.title},
            prefer=(proposal.answered_by_id, proposal.opening.created_by_id),
        )
        if item is not None:
            yield item


def job_checks_to_answer(now: datetime.datetime) -> Iterable[Wanted]:
    """A paid job at a company with a portal account whose 6/12-month check fell due in the last
    few days and is not answered (nor known: the job ended before)."""
    today = local_today(now)
    jobs = (
        JobOutcome.objects.filter(employer__isnull=False, start_date__lte=today)
        .filter(employer__contacts__user__isnull=False)
        .distinct()
        .select_related("employer__municipality", "jobseeker")
        .order_by("id")
    )
    oldest = today - _catch_up()
    for job in jobs:
        for months in job_checks_open(job, on=today):
            due = job_retention_due_on(job, months)
            if due < oldest:
                continue
            item = _wanted(
                KIND_JOB_CHECK,
                job,
                due,
                job.employer,
                {
                    "name": f"{job.jobseeker.first_name} {job.jobseeker.last_name}".strip(),
                    "months": months,
                    "date": job.start_date.strftime("%d-%m-%Y"),
                },
            )
            if item is not None:
                yield item


# --- Mail context: each notice links to the portal page where the reader acts -------------
def _candidate_context(followup, action_label: str) -> dict:
    """A notice about a proposal links to the candidate's page in the portal."""
    proposal = Proposal.objects.select_related("opening__employer__relationship_owner").get(
        pk=followup.subject_id
    )
    return employer_followup_context(
        followup,
        employer=proposal.opening.employer,
        action_path=reverse("portal:candidate", args=[proposal.pk]),
        action_label=action_label,
    )


def _proposal_context(followup) -> dict:
    return _candidate_context(followup, _("View the candidate and answer"))


def _contact_details_context(followup) -> dict:
    return _candidate_context(followup, _("View the contact details"))


def _job_check_context(followup) -> dict:
    job = JobOutcome.objects.select_related("employer__relationship_owner").get(
        pk=followup.subject_id
    )
    return employer_followup_context(
        followup,
        employer=job.employer,
        action_path=reverse("portal:job_checks"),
        action_label=_("Answer in the portal"),
    )


def placement_supervisor_context(followup) -> dict:
    """The supervisor's notices before the mid-term evaluation and the planned end (kinds of
    placements.followup_rules): the placement's page in the portal, where they evaluate."""
    placement = DevelopmentPlacement.objects.select_related("employer__relationship_owner").get(
        pk=followup.subject_id
    )
    return employer_followup_context(
        followup,
        employer=placement.employer,
        action_path=reverse("portal:placement", args=[placement.pk]),
        action_label=_("Open the placement"),
    )


def visit_thanks_context(followup) -> dict:
    """The thank-you after a visit (kind visits.services.FOLLOWUP_THANKS): what was agreed —
    the agreed actions and how many people the company clicked with — never the report's
    internal notes, and the company's visits page in the portal."""
    visit = Visit.objects.select_related("employer__relationship_owner", "host").get(
        pk=followup.subject_id
    )
    context = employer_followup_context(
        followup,
        employer=visit.employer,
        action_path=reverse("portal:visits"),
        action_label=_("Your visits in the portal"),
        visit=visit,
        agreed=list(visit.actions.order_by("due_on", "id").values("what", "due_on")),
        clicks=visit.clicks.count(),
    )
    if not context["recipient_name"] and visit.host_id:
        context["recipient_name"] = visit.host.name
    if not followup.recipient_email:
        # Nobody at the company has an address: the writer of the report gets the reminder to
        # thank them another way, as staff mail.
        context["staff_reminder"] = True
    return context


def _with_email(key: str, *, template: str, context) -> None:
    """Gives a lower app's kind that mails an employer contact its employer mail: the portal
    knows the pages where they act (the lower apps may not link into it)."""
    kind = followup_kind(key)
    if kind is None:
        raise LookupError(f"follow-up kind {key!r} is not registered")
    values = {item.name: getattr(kind, item.name) for item in fields(kind)}
    followup_kind_register(
        **{**values, "email_template_prefix": template, "email_context": context}
    )


def register() -> None:
    _with_email(FOLLOWUP_THANKS, template="portal/email/visit_thanks", context=visit_thanks_context)
    for key in (KIND_PLACEMENT_MIDTERM_SOON_SUPERVISOR, KIND_PLACEMENT_END_SOON_SUPERVISOR):
        _with_email(key, template="email/employer_followup", context=placement_supervisor_context)
    followup_kind_register(
        key=KIND_PROPOSAL_NEW,
        title=_("A candidate for “%(opening)s” at %(employer)s"),
        body=_(
            "We propose a candidate for your opening. Look at the anonymised profile and let "
            "us know whether you are interested; you see the contact details once you are "
            "and the candidate agrees to an introduction."
        ),
        email_template_prefix="email/employer_followup",
        email_context=_proposal_context,
    )
    followup_kind_register(
        key=KIND_CONTACT_DETAILS,
        title=_("Contact details of your candidate for “%(opening)s”"),
        body=_(
            "The candidate agreed to an introduction: you can now see their name, email "
            "address and phone number, and contact them yourself."
        ),
        email_template_prefix="email/employer_followup",
        email_context=_contact_details_context,
    )
    followup_kind_register(
        key=KIND_JOB_CHECK,
        title=_("Does %(name)s still work at %(employer)s after %(months)s months?"),
        body=_(
            "%(name)s started with you on %(date)s. Let us know in the portal whether they "
            "still work with you: it takes a minute and shows the council lasting work."
        ),
        email_template_prefix="email/employer_followup",
        email_context=_job_check_context,
    )
    followup_rule_register("portal_proposals_new", proposals_new, kinds=[KIND_PROPOSAL_NEW])
    followup_rule_register(
        "portal_contact_details", contact_details_available, kinds=[KIND_CONTACT_DETAILS]
    )
    followup_rule_register("portal_job_checks", job_checks_to_answer, kinds=[KIND_JOB_CHECK])
