"""The employers' access helpers for pages and API: thin wrappers over the models' rule.

Who sees which employer, contact, opening or tip is written once, on the QuerySets in
``employers.models`` (``Employer.objects.visible_to(user)`` and friends). These helpers only add
the fetch-or-404 (a record outside the user's view is a 404, never a 403, so guessing ids reveals
nothing) and the "where may this user register an employer" rule.
"""

from __future__ import annotations

from django.db.models import QuerySet

from baanbrekers.access import get_visible_or_404, sees_all_municipalities, works_in_back_office
from baanbrekers.models import Municipality, User

from .models import Employer, EmployerContact, Opening, Referral


def employer_for_user(user: User, pk) -> Employer:
    """The employer with this id if ``user`` may see it; Http404 otherwise."""
    return get_visible_or_404(Employer.objects.visible_to(user), pk)


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
    return municipalities_to_work_in(user).filter(pk=municipality.pk).exists()


def opening_for_user(user: User, pk, *, employer: Employer | None = None) -> Opening:
    qs = Opening.objects.visible_to(user)
    if employer is not None:
        qs = qs.filter(employer=employer)
    return get_visible_or_404(qs, pk)


def referral_for_user(user: User, pk, *, employer: Employer | None = None) -> Referral:
    qs = Referral.objects.visible_to(user)
    if employer is not None:
        qs = qs.filter(referring_employer=employer)
    return get_visible_or_404(qs, pk)


def contact_for_user(user: User, pk, *, employer: Employer) -> EmployerContact:
    return get_visible_or_404(
        EmployerContact.objects.visible_to(user).filter(employer=employer), pk
    )
