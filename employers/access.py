"""Who may see which employers (DESIGN.md section 4), in one place.

Pages and API fetch employers only through these helpers; a record outside the user's view is a
404, never a 403, so guessing ids reveals nothing.

- Coordinators: every employer.
- Caseworkers: the employers of the municipalities they belong to.
- Employer contacts: their own company (the companies where an ``EmployerContact`` row links
  their account).
- Aldermen: the story and figures of the companies they visited. Which companies those are is
  known only to the ``visits`` app, a higher layer that this app may not import; so this
  function gives aldermen nothing and the visits app provides the alderman's view (the visit
  briefing) on top of ``Employer`` itself.
"""

from __future__ import annotations

from django.db.models import QuerySet

from baanbrekers.access import (
    get_visible_or_404,
    scope_to_municipalities,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.models import Municipality, User

from .models import Employer, EmployerContact, Opening, Referral


def visible_employers(user: User) -> QuerySet[Employer]:
    qs = Employer.objects.all()
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if works_in_back_office(user):
        return scope_to_municipalities(qs, user)
    if user.is_employer_contact:
        # A subquery rather than a join: one row per employer whatever the number of contacts.
        return qs.filter(pk__in=EmployerContact.objects.filter(user=user).values("employer_id"))
    return qs.none()


def employer_for_user(user: User, pk) -> Employer:
    """The employer with this id if ``user`` may see it; Http404 otherwise."""
    return get_visible_or_404(visible_employers(user), pk)


def may_edit_employer_file(user: User) -> bool:
    """Only the back office keeps the file; an employer contact edits the story via the portal."""
    return works_in_back_office(user)


def municipalities_to_work_in(user: User) -> QuerySet[Municipality]:
    """Where this user may register an employer (or a tip's prospect)."""
    if sees_all_municipalities(user):
        return Municipality.objects.all()
    if works_in_back_office(user):
        return user.municipalities.all()
    return Municipality.objects.none()


def may_work_in(user: User, municipality: Municipality | None) -> bool:
    if municipality is None:
        return False
    if sees_all_municipalities(user):
        return True
    return works_in_back_office(user) and user.municipalities.filter(pk=municipality.pk).exists()


def visible_openings(user: User) -> QuerySet[Opening]:
    return Opening.objects.filter(employer__in=visible_employers(user))


def opening_for_user(user: User, pk, *, employer: Employer | None = None) -> Opening:
    qs = visible_openings(user)
    if employer is not None:
        qs = qs.filter(employer=employer)
    return get_visible_or_404(qs, pk)


def visible_referrals(user: User) -> QuerySet[Referral]:
    """Tips are the back office's to act on: those made by the employers it may see."""
    if not works_in_back_office(user):
        return Referral.objects.none()
    return Referral.objects.filter(referring_employer__in=visible_employers(user))


def referral_for_user(user: User, pk, *, employer: Employer | None = None) -> Referral:
    qs = visible_referrals(user)
    if employer is not None:
        qs = qs.filter(referring_employer=employer)
    return get_visible_or_404(qs, pk)


def contact_for_user(user: User, pk, *, employer: Employer) -> EmployerContact:
    return get_visible_or_404(
        EmployerContact.objects.filter(employer__in=visible_employers(user), employer=employer),
        pk,
    )
