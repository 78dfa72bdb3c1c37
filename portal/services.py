"""Use cases of the employer portal. They call the lower apps' services and add what the portal
itself owns: invitations, claims, the paid-work question, and a line in the caseworker's timeline
for every change an employer makes (a ``ContactMoment`` of kind 'other' authored by the contact,
shown on the employer page in the back office).

Access is the caller's business: fetch every object through ``portal.access`` first.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from baanbrekers import crypto, geo
from baanbrekers.mail import absolute_url, employer_mail_context, mail_send
from baanbrekers.models import AuditAction, Municipality, Role, User
from baanbrekers.services import audit_record
from baanbrekers.validators import validate_kvk_number
from employers import services as employer_services
from employers.models import (
    ContactKind,
    ContactMoment,
    Employer,
    EmployerContact,
    EmployerStatus,
    Opening,
    Referral,
)
from placements import services as placement_services
from placements.models import (
    CheckIn,
    DevelopmentPlacement,
    Evaluation,
    Evaluator,
    Proposal,
)
from placements.transitions import transition_check

from .models import ClaimStatus, CompanyClaim, Invitation, PaidWorkAnswer

INVITATION_VALID_DAYS = 14


def _in_dutch(message_id: str, **params: Any) -> str:
    """Timeline lines are read by caseworkers: in the office language, whatever the portal user
    chose."""
    with translation.override(settings.LANGUAGE_CODE):
        # Callables (``get_kind_display``) are resolved here, so choices come out in Dutch too.
        params = {k: v() if callable(v) else v for k, v in params.items()}
        return _(message_id) % params if params else _(message_id)


def timeline_note(*, employer: Employer, user: User, summary: str) -> ContactMoment:
    """A line in the employer's timeline saying what the contact changed in the portal."""
    return employer_services.contact_moment_record(
        employer=employer, author=user, kind=ContactKind.OTHER, summary=summary
    )


# --- Invitations -------------------------------------------------------------------------------
def invitation_create(
    *,
    employer: Employer,
    name: str,
    email: str,
    invited_by: User,
    contact: EmployerContact | None = None,
) -> tuple[Invitation, str]:
    """Invites a person to the portal for ``employer``; emails the link after commit.

    Returns the invitation and the secret token (only its keyed hash is stored).
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            employer=employer,
            contact=contact,
            name=name.strip(),
            email=email.strip().lower(),
            token_hash=crypto.keyed_hash(token),
            invited_by=invited_by,
            expires_at=timezone.now() + datetime.timedelta(days=INVITATION_VALID_DAYS),
        )
        audit_record(actor=invited_by, action=AuditAction.CREATE, obj=invitation)
        path = reverse("portal:invitation", kwargs={"token": token})
        transaction.on_commit(lambda: _send_invitation(invitation, path))
    return invitation, token


def _send_invitation(invitation: Invitation, path: str) -> None:
    mail_send(
        to=[invitation.email],
        template="portal/email/invitation",
        context=employer_mail_context(
            employer=invitation.employer,
            recipient_name=invitation.name,
            action_path=path,
            action_label=gettext_lazy("Accept the invitation"),
            days=INVITATION_VALID_DAYS,
            signup_url=absolute_url(reverse("account_signup") + "?next=" + path),
        ),
    )


def invitation_by_token(token: str) -> Invitation | None:
    if not token:
        return None
    return (
        Invitation.objects.select_related("employer")
        .filter(token_hash=crypto.keyed_hash(token))
        .first()
    )


def _link_contact(
    *, employer: Employer, user: User, name: str, linked_by: User, contact=None, **fields
) -> EmployerContact:
    """Links the portal account to the employer: the given or an existing contact row with the
    same email, else a new one. Idempotent: an existing link is returned as it is."""
    existing = EmployerContact.objects.filter(employer=employer, user=user).first()
    if existing is not None:
        return existing
    if contact is None:
        contact = EmployerContact.objects.filter(
            employer=employer, user__isnull=True, email__iexact=user.email
        ).first()
    if contact is not None and contact.user_id is None:
        return employer_services.employer_contact_update(
            contact=contact, updated_by=linked_by, user=user
        )
    return employer_services.employer_contact_create(
        employer=employer,
        created_by=linked_by,
        name=name or str(user),
        email=user.email,
        user=user,
        **fields,
    )


def invitation_accept(*, invitation: Invitation, user: User) -> EmployerContact:
    """Links ``user`` to the invitation's employer. Refused for staff accounts, for an account
    with another email address than the one invited (a forwarded or leaked link links nobody
    else), and for used or expired invitations. The invitation row is locked, so a double click
    links once."""
    if not user.is_employer_contact:
        raise ValidationError(_("Only employer accounts can accept a portal invitation."))
    if user.email.casefold() != invitation.email.casefold():
        raise ValidationError(
            _(
                "This invitation was sent to another email address. Log in with that address, "
                "or ask your contact at Baanbrekers for a new invitation."
            )
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."))
        if invitation.expires_at <= timezone.now():
            raise ValidationError(
                _("This invitation has expired. Ask your contact at Baanbrekers for a new one.")
            )
        contact = _link_contact(
            employer=invitation.employer,
            user=user,
            name=invitation.name,
            linked_by=user,
            contact=invitation.contact,
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        timeline_note(
            employer=invitation.employer,
            user=user,
            summary=_in_dutch(
                gettext_noop("%(name)s accepted the invitation to the employer portal."),
                name=contact.name,
            ),
        )
    return contact


# --- Claims by KvK number ---------------------------------------------------------------------
def claim_create(
    *, user: User, kvk_number: str, job_title: str = "", phone: str = ""
) -> CompanyClaim:
    """A portal user asks to represent the company with this KvK number.

    The answer is the same whether we know the company or not (issue 13: a claim must not tell
    which KvK numbers are known): a pending request either way. A known company's request waits
    for a caseworker of its municipality; an unknown one (no ``employer``) asks the
    coordinators to register the company first.
    """
    kvk_number = (kvk_number or "").strip().replace(" ", "")
    try:
        validate_kvk_number(kvk_number)
    except ValidationError as exc:
        raise ValidationError({"kvk_number": exc.messages}) from exc
    employer = Employer.objects.filter(kvk_number=kvk_number).first()
    if (
        employer is not None
        and EmployerContact.objects.filter(employer=employer, user=user).exists()
    ):
        # Only someone who already represents the company hears that it is known.
        raise ValidationError({"kvk_number": _("You already represent this company.")})
    try:
        with transaction.atomic():
            claim = CompanyClaim.objects.create(
                user=user,
                employer=employer,
                kvk_number=kvk_number,
                job_title=job_title.strip(),
                phone=phone.strip(),
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"kvk_number": _("You already asked to join this company; it awaits approval.")}
        ) from exc
    audit_record(actor=user, action=AuditAction.CREATE, obj=claim)
    return claim


def company_register(
    *,
    user: User,
    trade_name: str,
    kvk_number: str,
    street_address: str,
    postcode: str,
    city: str = "",
    contact_name: str = "",
    job_title: str = "",
    phone: str = "",
) -> CompanyClaim:
    """A portal user registers a company we may not know yet, and asks to represent it.

    An unknown KvK number becomes a prospect employer (in the municipality of its postcode)
    with a pending request to represent it, and the coordinators of that municipality get a
    mail to check both. A KvK number we know is answered the same way — a pending request for
    the known company, nothing created, no mail naming it — so registering never tells which
    companies are known. A request the user already made for this KvK number (by ``claim``,
    without company) is completed with the registered company instead of a second one.
    """
    kvk_number = (kvk_number or "").strip().replace(" ", "")
    errors: dict[str, list[str]] = {}
    try:
        validate_kvk_number(kvk_number)
    except ValidationError as exc:
        errors["kvk_number"] = exc.messages
    code = geo.municipality_code_for_postcode(postcode)
    municipality = Municipality.objects.filter(cbs_code=code).first() if code else None
    if municipality is None and "postcode" not in errors:
        errors["postcode"] = [
            _("This postcode is not in one of our municipalities. Check it, or call us.")
        ]
    if not (trade_name or "").strip():
        errors["trade_name"] = [_("Fill in the name of the company.")]
    if errors:
        raise ValidationError(errors)
    if Employer.objects.filter(kvk_number=kvk_number).exists():
        pending = CompanyClaim.objects.filter(
            user=user, kvk_number=kvk_number, status=ClaimStatus.PENDING
        ).first()
        if pending is not None:
            return pending  # asked already: the same neutral answer, nothing new
        return claim_create(user=user, kvk_number=kvk_number, job_title=job_title, phone=phone)
    with transaction.atomic():
        try:
            employer = employer_services.employer_create(
                created_by=user,
                kvk_number=kvk_number,
                trade_name=trade_name.strip(),
                street_address=street_address.strip(),
                postcode=postcode,
                city=city.strip(),
                municipality=municipality,
                status=EmployerStatus.PROSPECT,
            )
        except ValidationError as exc:
            if "kvk_number" in getattr(exc, "error_dict", {}):
                # Registered by someone else a moment ago: the neutral answer, as for a known one.
                return claim_create(
                    user=user, kvk_number=kvk_number, job_title=job_title, phone=phone
                )
            raise
        if contact_name.strip() and contact_name.strip() != user.get_full_name():
            names = contact_name.strip().split(" ", 1)
            user.first_name, user.last_name = names[0], names[1] if len(names) > 1 else ""
            user.save(update_fields=["first_name", "last_name"])
        claim = (
            CompanyClaim.objects.select_for_update()
            .filter(user=user, kvk_number=kvk_number, status=ClaimStatus.PENDING)
            .first()
        )
        if claim is not None:
            claim.employer = employer
            claim.job_title = job_title.strip() or claim.job_title
            claim.phone = phone.strip() or claim.phone
            claim.save(update_fields=["employer", "job_title", "phone"])
        else:
            claim = CompanyClaim.objects.create(
                user=user,
                employer=employer,
                kvk_number=kvk_number,
                job_title=job_title.strip(),
                phone=phone.strip(),
            )
        audit_record(actor=user, action=AuditAction.CREATE, obj=claim)
        timeline_note(
            employer=employer,
            user=user,
            summary=_in_dutch(
                gettext_noop("%(name)s registered the company in the employer portal."),
                name=user.get_full_name() or user.email,
            ),
        )
        transaction.on_commit(lambda: _send_company_registered(claim))
    return claim


def _send_company_registered(claim: CompanyClaim) -> None:
    """The coordinators of the company's municipality check a registered company."""
    employer = claim.employer
    coordinators = (
        User.objects.filter(role=Role.COORDINATOR, is_active=True)
        .filter(
            models.Q(municipalities=employer.municipality)
            | models.Q(teams__municipalities=employer.municipality)
        )
        .distinct()
        .order_by("id")
    )
    mail_send(
        to=[user.email for user in coordinators],
        template="portal/email/company_registered",
        context={
            "claim": claim,
            "employer": employer,
            "requests_url": absolute_url(reverse("portal:staff_requests")),
            "employer_url": absolute_url(employer.get_absolute_url()),
        },
    )


def _lock_pending(claim: CompanyClaim) -> CompanyClaim:
    locked = (
        CompanyClaim.objects.select_for_update(of=("self",))
        .select_related("employer", "user")
        .get(pk=claim.pk)
    )
    if locked.status != ClaimStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return locked


@transaction.atomic
def claim_approve(*, claim: CompanyClaim, decided_by: User) -> EmployerContact:
    """Approves a pending claim: the account becomes a contact of the company.

    A request for a company that was unknown when it was made is linked to the company with its
    KvK number now, if someone registered it meanwhile (and the approver may see it)."""
    claim = _lock_pending(claim)
    if claim.employer is None:
        employer = (
            Employer.objects.visible_to(decided_by).filter(kvk_number=claim.kvk_number).first()
        )
        if employer is None:
            raise ValidationError(
                _(
                    "No company with KvK number %(kvk)s is registered yet: register it first, "
                    "then approve the request."
                )
                % {"kvk": claim.kvk_number}
            )
        claim.employer = employer
        claim.save(update_fields=["employer"])
    contact = _link_contact(
        employer=claim.employer,
        user=claim.user,
        name=claim.user.get_full_name() or claim.user.email,
        linked_by=decided_by,
        role=claim.job_title,
        phone=claim.phone,
    )
    claim.status = ClaimStatus.APPROVED
    claim.decided_by = decided_by
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at"])
    timeline_note(
        employer=claim.employer,
        user=decided_by,
        summary=_in_dutch(
            gettext_noop("%(name)s joined the employer portal (request by KvK number approved)."),
            name=contact.name,
        ),
    )
    audit_record(
        actor=decided_by, action=AuditAction.UPDATE, obj=claim, detail={"status": "approved"}
    )
    transaction.on_commit(lambda: _send_claim_decided(claim, contact_name=contact.name))
    return contact


@transaction.atomic
def claim_decline(*, claim: CompanyClaim, decided_by: User, reason: str) -> CompanyClaim:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so the person knows what to do.")})
    claim = _lock_pending(claim)
    claim.status = ClaimStatus.DECLINED
    claim.decided_by = decided_by
    claim.decided_at = timezone.now()
    claim.decline_reason = reason
    claim.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit_record(
        actor=decided_by, action=AuditAction.UPDATE, obj=claim, detail={"status": "declined"}
    )
    transaction.on_commit(lambda: _send_claim_decided(claim))
    return claim


def _send_claim_decided(claim: CompanyClaim, *, contact_name: str = "") -> None:
    """Tells the person how their request was decided: approved, with the way into the
    portal; declined, with the reason. A declined request names no company it was not given
    (the request may have been for a KvK number we know, and they must not learn that)."""
    approved = claim.status == ClaimStatus.APPROVED
    mail_send(
        to=[claim.user.email],
        template="portal/email/claim_approved" if approved else "portal/email/claim_declined",
        context=employer_mail_context(
            employer=claim.employer if approved else None,
            recipient_name=contact_name or claim.user.get_full_name(),
            action_path=reverse("portal:home"),
            action_label=gettext_lazy("Open the employer portal"),
            claim=claim,
        ),
    )


# --- The company page -------------------------------------------------------------------------
def company_story_update(
    *, employer: Employer, user: User, valued_skills: Iterable[str] | None = None, **story: str
) -> Employer:
    """The employer keeps its own story; the one rule (and its timeline line) is the employers
    app's, shared with the API."""
    return employer_services.employer_story_update(
        employer=employer, updated_by=user, valued_skills=valued_skills, **story
    )


@transaction.atomic
def company_contact_save(
    *, employer: Employer, user: User, contact: EmployerContact | None = None, **fields: Any
) -> EmployerContact:
    """Adds or changes a contact person of the company (not the portal link itself)."""
    fields.pop("user", None)
    if contact is None:
        contact = employer_services.employer_contact_create(
            employer=employer, created_by=user, **fields
        )
        summary = _in_dutch(
            gettext_noop("Contact person added in the portal: %(name)s."), name=contact.name
        )
    else:
        contact = employer_services.employer_contact_update(
            contact=contact, updated_by=user, **fields
        )
        summary = _in_dutch(
            gettext_noop("Contact person changed in the portal: %(name)s."), name=contact.name
        )
    timeline_note(employer=employer, user=user, summary=summary)
    return contact


@transaction.atomic
def company_opening_create(
    *,
    employer: Employer,
    user: User,
    kind: str,
    title: str,
    suggested_competences: Iterable[str] | str = (),
    **fields: Any,
) -> Opening:
    """The employer posts an offer. Their competence words are kept as suggestions for staff to
    map; the shared vocabulary is never extended from the portal. Limits: the opening's own."""
    opening = employer_services.opening_create(
        employer=employer,
        created_by=user,
        kind=kind,
        title=title,
        suggested_competences=suggested_competences,
        **fields,
    )
    timeline_note(
        employer=employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("New offer in the portal (%(kind)s): %(title)s."),
            kind=opening.get_kind_display,
            title=opening.title,
        ),
    )
    return opening


@transaction.atomic
def company_opening_update(
    *,
    opening: Opening,
    user: User,
    suggested_competences: Iterable[str] | str | None = None,
    **fields: Any,
) -> Opening:
    """The employer corrects their offer; the same service and rules as the staff's edit."""
    opening = employer_services.opening_update(
        opening=opening, updated_by=user, suggested_competences=suggested_competences, **fields
    )
    timeline_note(
        employer=opening.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Offer changed in the portal: %(title)s."), title=opening.title
        ),
    )
    return opening


@transaction.atomic
def company_opening_close(*, opening: Opening, user: User, filled: bool = False) -> Opening:
    opening = employer_services.opening_close(opening=opening, closed_by=user, filled=filled)
    timeline_note(
        employer=opening.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Offer closed in the portal: %(title)s."), title=opening.title
        ),
    )
    return opening


@transaction.atomic
def company_opening_reopen(*, opening: Opening, user: User) -> Opening:
    """A closed or filled offer open again (the employer undoes "Close")."""
    opening = employer_services.opening_reopen(opening=opening, reopened_by=user)
    timeline_note(
        employer=opening.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Offer reopened in the portal: %(title)s."), title=opening.title
        ),
    )
    return opening


# --- Candidates ---------------------------------------------------------------------------------
@transaction.atomic
def candidate_answer(*, proposal: Proposal, user: User, answer: str, reason: str = "") -> Proposal:
    """The employer answers a proposal; the caseworker sees it in the timeline (no name there:
    the proposal is the caseworker's to look up)."""
    proposal = placement_services.proposal_answer(
        proposal=proposal, answer=answer, reason=reason, answered_by=user
    )
    timeline_note(
        employer=proposal.opening.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Answered proposal #%(id)s for %(title)s in the portal: %(answer)s."),
            id=proposal.pk,
            title=proposal.opening.title,
            answer=proposal.get_answer_display,
        ),
    )
    return proposal


# --- Placements ---------------------------------------------------------------------------------
def placement_checkin(
    *, placement: DevelopmentPlacement, user: User, held_on: datetime.date, notes: str
) -> CheckIn:
    return placement_services.checkin_record(
        placement=placement, held_on=held_on, notes=notes, author=user
    )


@transaction.atomic
def placement_evaluate(
    *,
    placement: DevelopmentPlacement,
    user: User,
    moment: str,
    held_on: datetime.date,
    progress: str,
    rating: int | None = None,
    next_steps: str = "",
) -> Evaluation:
    """The supervisor's mid-term or final evaluation (the caseworker records their own)."""
    evaluation = placement_services.evaluation_record(
        placement=placement,
        moment=moment,
        evaluator=Evaluator.SUPERVISOR,
        held_on=held_on,
        progress=progress,
        rating=rating,
        next_steps=next_steps,
        recorded_by=user,
    )
    timeline_note(
        employer=placement.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop(
                "%(moment)s of placement #%(id)s filled in by the supervisor in the portal."
            ),
            moment=evaluation.get_moment_display,
            id=placement.pk,
        ),
    )
    return evaluation


@transaction.atomic
def placement_evaluation_correct(
    *,
    evaluation: Evaluation,
    user: User,
    held_on: datetime.date,
    progress: str,
    rating: int | None = None,
    next_steps: str = "",
) -> Evaluation:
    """The supervisor corrects their evaluation within the correction period (placements'
    rule); the caseworker sees a line in the timeline."""
    evaluation = placement_services.evaluation_correct(
        evaluation=evaluation,
        corrected_by=user,
        held_on=held_on,
        progress=progress,
        rating=rating,
        next_steps=next_steps,
    )
    timeline_note(
        employer=evaluation.placement.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop(
                "%(moment)s of placement #%(id)s corrected by the supervisor in the portal."
            ),
            moment=evaluation.get_moment_display,
            id=evaluation.placement_id,
        ),
    )
    return evaluation


@transaction.atomic
def paid_work_answer_record(
    *, placement: DevelopmentPlacement, user: User, intent: str, note: str = ""
) -> PaidWorkAnswer:
    """The employer says whether paid work follows the placement. Asked while the placement is
    active and ending soon (``placements.transitions``, action ``paid_work_answer``)."""
    transition_check(placement, "paid_work_answer", user)
    answer, _created = PaidWorkAnswer.objects.update_or_create(
        placement=placement,
        defaults={"intent": intent, "note": (note or "").strip(), "answered_by": user},
    )
    answer.full_clean()
    timeline_note(
        employer=placement.employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Paid work after placement #%(id)s: %(intent)s."),
            id=placement.pk,
            intent=answer.get_intent_display,
        ),
    )
    return answer


# --- Tips -----------------------------------------------------------------------------------
@transaction.atomic
def company_referral_submit(*, employer: Employer, user: User, **fields: Any) -> Referral:
    """An employer tips a fellow company; the caseworker turns it into a prospect later."""
    referral = employer_services.referral_record(
        referring_employer=employer, recorded_by=user, **fields
    )
    timeline_note(
        employer=employer,
        user=user,
        summary=_in_dutch(
            gettext_noop("Tip about a fellow company: %(name)s."), name=referral.company_name
        ),
    )
    return referral
