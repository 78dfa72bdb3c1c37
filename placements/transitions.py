"""What may happen to a development placement: one declarative table, read by everyone.

Each row says: from which statuses an action may be taken, which status it leads to (``None``:
it records something and leaves the status alone), who may take it (a role predicate), and a
guard — a function of the placement that returns the reason it is not allowed now, or ``None``.

    proposed ──agree──▶ agreed ──start──▶ active ──complete──▶ completed
        └────────────────┴──────end_early─────┴──────────────▶ ended_early
    active ──extend (at most settings.PLACEMENT_MAX_EXTENSIONS times)──▶ active
    proposed, agreed: edit; active: correct (with a reason, audited)
    active, completed, ended_early: record_job (paid work, now or later)

The services (``placements.services``, one function per action) call ``transition_check`` and so
refuse what the table does not allow; the pages (which buttons to show), the API (the
``allowed_actions`` of a placement and the actions it accepts) and the employer portal (what a
supervisor may record) ask ``allowed_actions`` / ``action_options``. Nothing else decides.

Checks that need a lock (a free place on the opening, one active placement per person) stay in
the service, inside its transaction: the table is what can be known without one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baanbrekers.access import is_employer_contact, works_in_back_office
from baanbrekers.models import User
from employers.models import Employer

from .models import DevelopmentPlacement, PlacementStatus

PROPOSED = PlacementStatus.PROPOSED
AGREED = PlacementStatus.AGREED
ACTIVE = PlacementStatus.ACTIVE
COMPLETED = PlacementStatus.COMPLETED
ENDED_EARLY = PlacementStatus.ENDED_EARLY


# --- Who ----------------------------------------------------------------------------------------
def back_office(user: User, placement: DevelopmentPlacement) -> bool:
    """Caseworkers and coordinators (which placements they reach is ``visible_to``'s business)."""
    return works_in_back_office(user)


def employer_contact_of(user: User, placement: DevelopmentPlacement) -> bool:
    """A portal user who works for the placement's employer."""
    return (
        is_employer_contact(user)
        and Employer.objects.visible_to(user).filter(pk=placement.employer_id).exists()
    )


def back_office_or_employer(user: User, placement: DevelopmentPlacement) -> bool:
    return back_office(user, placement) or employer_contact_of(user, placement)


# --- Guards -----------------------------------------------------------------------------------
def _displacement_already_checked(placement: DevelopmentPlacement) -> str | None:
    if placement.no_displacement_confirmed:
        return _("The no-displacement check has already been recorded.")
    return None


def _displacement_not_checked(placement: DevelopmentPlacement) -> str | None:
    if not placement.no_displacement_confirmed:
        return _("First record the check that this placement does not replace a regular job.")
    return None


def _insurance_missing(placement: DevelopmentPlacement) -> str | None:
    if not placement.insurance_arranged:
        return _("Arrange the insurance before the placement starts.")
    return None


def _extended_enough(placement: DevelopmentPlacement) -> str | None:
    if placement.extension_count >= settings.PLACEMENT_MAX_EXTENSIONS:
        return _(
            "This placement has already been extended the maximum number of times (%(n)s)."
        ) % {"n": settings.PLACEMENT_MAX_EXTENSIONS}
    return None


def ending_soon_until(today: datetime.date | None = None) -> datetime.date:
    """A placement planned to end on or before this day is *ending soon*: the board marks it, the
    portal asks the employer about paid work afterwards, the caseworker is reminded (the
    ``placement_end`` follow-up). One lead time for all three: ``LEAD_TIMES["placement_ending"]``.
    """
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.LEAD_TIMES["placement_ending"])


def is_ending_soon(placement: DevelopmentPlacement, today: datetime.date | None = None) -> bool:
    return placement.planned_end_date <= ending_soon_until(today)


def _not_ending_yet(placement: DevelopmentPlacement) -> str | None:
    if not is_ending_soon(placement):
        return _("The question about paid work comes %(days)s days before the planned end.") % {
            "days": settings.LEAD_TIMES["placement_ending"]
        }
    return None


# --- The table ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None
    who: Callable[[User, DevelopmentPlacement], bool]
    guard: Callable[[DevelopmentPlacement], str | None] | None = None


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "confirm_no_displacement", (PROPOSED,), None, back_office, _displacement_already_checked
    ),
    Transition("agree", (PROPOSED,), AGREED, back_office, _displacement_not_checked),
    Transition("start", (AGREED,), ACTIVE, back_office, _insurance_missing),
    Transition("extend", (ACTIVE,), ACTIVE, back_office, _extended_enough),
    Transition("complete", (ACTIVE,), COMPLETED, back_office),
    Transition("end_early", (PROPOSED, AGREED, ACTIVE), ENDED_EARLY, back_office),
    # Records during and after a placement; by the caseworker or the company's supervisor.
    Transition("checkin", (AGREED, ACTIVE, COMPLETED), None, back_office_or_employer),
    Transition("evaluation", (ACTIVE, COMPLETED), None, back_office_or_employer),
    # The portal's question whether the employer offers paid work afterwards.
    Transition("paid_work_answer", (ACTIVE,), None, employer_contact_of, _not_ending_yet),
    # Corrections: before the start the agreements may change freely; after the start a
    # correction needs a reason and is audited with what changed (placement_update).
    Transition("edit", (PROPOSED, AGREED), None, back_office),
    Transition("correct", (ACTIVE,), None, back_office),
    # Paid work: while it runs (it completes the placement) or any time after it finished, so
    # a job found after "completed with paid work" can still be recorded.
    Transition("record_job", (ACTIVE, COMPLETED, ENDED_EARLY), None, back_office),
)
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
# The status changes (the API's ``transition`` endpoint takes these).
STATUS_ACTIONS: tuple[str, ...] = tuple(
    t.action for t in TRANSITIONS if t.target is not None or t.action == "confirm_no_displacement"
)

# Why a status does not allow an action, as the services have always said it.
_WRONG_STATUS = {
    "confirm_no_displacement": gettext_lazy(
        "The no-displacement check is recorded before the placement is agreed; this one is "
        "%(status)s."
    ),
    "agree": gettext_lazy("Only a proposed placement can be agreed; this one is %(status)s."),
    "start": gettext_lazy("Only an agreed placement can start; this one is %(status)s."),
    "extend": gettext_lazy("Only an active placement can be extended; this one is %(status)s."),
    "complete": gettext_lazy("Only an active placement can be completed; this one is %(status)s."),
    "end_early": gettext_lazy("This placement is already %(status)s; it cannot end again."),
    "checkin": gettext_lazy("Check-ins are recorded during a placement; this one is %(status)s."),
    "evaluation": gettext_lazy(
        "Evaluations belong to an active or completed placement; this one is %(status)s."
    ),
    "paid_work_answer": gettext_lazy(
        "The question about paid work is for an active placement; this one is %(status)s."
    ),
    "edit": gettext_lazy(
        "The agreements can be changed until the placement starts; this one is %(status)s."
    ),
    "correct": gettext_lazy(
        "Corrections with a reason are for a placement in progress; this one is %(status)s."
    ),
    "record_job": gettext_lazy(
        "Paid work is recorded during or after a placement; this one is %(status)s."
    ),
}


@dataclass(frozen=True)
class ActionOption:
    """An action the user could take in this status: ``reason`` says why not yet, if so."""

    action: str
    reason: str | None

    @property
    def allowed(self) -> bool:
        return self.reason is None


def _reason(transition: Transition, placement: DevelopmentPlacement) -> str | None:
    if placement.status not in transition.sources:
        # Lazy strings: translated now, in the request's language.
        return str(_WRONG_STATUS[transition.action]) % {
            "status": placement.get_status_display().lower()
        }
    return transition.guard(placement) if transition.guard else None


def action_options(placement: DevelopmentPlacement, user: User) -> list[ActionOption]:
    """The actions of the placement's current status that ``user`` may take, each allowed or with
    the guard's reason (the pages show a reason instead of a button that would be refused)."""
    return [
        ActionOption(t.action, _reason(t, placement))
        for t in TRANSITIONS
        if placement.status in t.sources and t.who(user, placement)
    ]


def allowed_actions(placement: DevelopmentPlacement, user: User) -> set[str]:
    """The actions ``user`` may take on this placement now."""
    return {option.action for option in action_options(placement, user) if option.allowed}


def transition_check(placement: DevelopmentPlacement, action: str, user: User) -> Transition:
    """The service's gate: PermissionDenied for the wrong person, a ValidationError with the
    reason for the wrong status or a failing guard. Call it on the locked, fresh row."""
    transition = BY_ACTION[action]
    if not transition.who(user, placement):
        raise PermissionDenied
    reason = _reason(transition, placement)
    if reason:
        raise ValidationError(reason)
    return transition
