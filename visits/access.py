"""The visits pages' access helpers: thin wrappers over the model's rule.

Who sees which visit is written once, ``Visit.objects.visible_to(user)`` (and the aldermen's
agenda ``Visit.objects.on_calendar_of(user)``) in ``visits.models``; job seekers are
``JobSeeker.objects.visible_to(user)``. The visits pages are for the municipality's own people
(caseworkers, coordinators, aldermen); an employer contact sees their company's visits in the
portal. Job seekers' names are for the back office only: aldermen see how many come, not who.
"""

from __future__ import annotations

from django.db.models import QuerySet

from baanbrekers.access import get_visible_or_404, has_staff_role, works_in_back_office
from baanbrekers.models import User

from .models import Visit


def visible_visits(user: User) -> QuerySet[Visit]:
    """Visits the user may open on the visits pages."""
    if not has_staff_role(user):
        return Visit.objects.none()
    return Visit.objects.visible_to(user)


def calendar_visits(user: User) -> QuerySet[Visit]:
    """Visits on the user's agenda (for aldermen also the other visits in their municipalities,
    time and company only)."""
    if not has_staff_role(user):
        return Visit.objects.none()
    return Visit.objects.on_calendar_of(user)


def visit_for_user(user: User, pk) -> Visit:
    """One visit the user may open; anything else is a 404."""
    return get_visible_or_404(
        visible_visits(user).select_related("employer__municipality", "employer__sector", "host"),
        pk,
    )


def can_manage_visits(user: User) -> bool:
    """Planning, sign-ups and reports are back-office work."""
    return works_in_back_office(user)


def visit_to_manage_for_user(user: User, pk) -> Visit:
    """A visit the user may change: back office and visible; anything else is a 404."""
    if not can_manage_visits(user):
        return get_visible_or_404(Visit.objects.none(), pk)
    return visit_for_user(user, pk)


def sees_jobseeker_names(user: User) -> bool:
    return works_in_back_office(user)
