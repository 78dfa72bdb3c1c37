"""Proposals: propose a job seeker for an opening, record the employer's answer, agree the
introduction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.limits import create_validated
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record
from employers.models import Opening, OpeningStatus
from jobseekers.models import ConsentKind, JobSeeker

from ..models import Proposal, ProposalAnswer


def proposal_create(
    *,
    jobseeker: JobSeeker,
    opening: Opening,
    proposed_by: User,
    motivation: str = "",
    match_score: int | None = None,
) -> Proposal:
    """Proposes a job seeker for an opening. Needs the job seeker's valid consent to share an
    anonymised profile and an open opening; proposing the same person twice is refused (the
    unique constraint decides when two caseworkers click at once)."""
    if not jobseeker.has_consent(ConsentKind.SHARE_PROFILE):
        raise ValidationError(
            _(
                "%(name)s has no valid consent to share an anonymised profile with employers. "
                "Record the consent first."
            )
            % {"name": jobseeker}
        )
    if opening.status != OpeningStatus.OPEN:
        raise ValidationError(_("This opening is no longer open."))
    if not jobseeker.is_looking_for_work():
        raise ValidationError(
            _("%(name)s is not looking for work at the moment.") % {"name": jobseeker}
        )
    try:
        with transaction.atomic():
            proposal = create_validated(
                Proposal,
                jobseeker=jobseeker,
                opening=opening,
                proposed_by=proposed_by,
                motivation=motivation,
                match_score=match_score,
            )
            audit_record(actor=proposed_by, action=AuditAction.CREATE, obj=proposal)
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s has already been proposed for this opening.") % {"name": jobseeker}
        ) from exc
    return proposal


def proposal_answer(
    *, proposal: Proposal, answer: str, reason: str = "", answered_by: User
) -> Proposal:
    """Records the employer's answer (by the employer in the portal or by a caseworker who heard
    it). 'Not now' and 'no' need a reason, so we learn from them."""
    if answer not in (ProposalAnswer.INTERESTED, ProposalAnswer.NOT_NOW, ProposalAnswer.NO):
        raise ValidationError({"answer": _("Choose interested, not now or no.")})
    reason = (reason or "").strip()
    if answer != ProposalAnswer.INTERESTED and not reason:
        raise ValidationError({"reason": _("Give a reason when the answer is 'not now' or 'no'.")})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal.answer = answer
        proposal.answer_reason = reason
        proposal.answered_at = timezone.now()
        proposal.answered_by = answered_by
        proposal.save(update_fields=["answer", "answer_reason", "answered_at", "answered_by"])
        audit_record(
            actor=answered_by, action=AuditAction.UPDATE, obj=proposal, detail={"answer": answer}
        )
    return proposal


def proposal_agree_introduction(*, proposal: Proposal, agreed_by: User) -> Proposal:
    """From here on the employer may see the job seeker's name and contact details. Needs an
    interested employer and the job seeker's valid consent to an introduction."""
    if proposal.answer != ProposalAnswer.INTERESTED:
        raise ValidationError(_("An introduction follows only when the employer is interested."))
    if not proposal.jobseeker.has_consent(ConsentKind.INTRODUCTION):
        raise ValidationError(
            _("%(name)s has no valid consent to be introduced with contact details.")
            % {"name": proposal.jobseeker}
        )
    with transaction.atomic():
        proposal.introduction_agreed = True
        proposal.introduction_agreed_at = timezone.now()
        proposal.save(update_fields=["introduction_agreed", "introduction_agreed_at"])
        audit_record(
            actor=agreed_by, action=AuditAction.UPDATE, obj=proposal, detail={"introduction": True}
        )
    return proposal
