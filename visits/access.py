"""Who may see and change which visit (DESIGN.md section 4), in one place.

- coordinators: every visit;
- caseworkers: visits to employers in their municipalities, and visits they join;
- aldermen/mayors: the visits they join (detail and briefing); the agenda also lists the other
  visits in their municipalities, without opening them;
- employer contacts: nothing here; the portal uses ``visits_for_employer_contact``.

Job seekers' names are for the back office only: aldermen see how many come, not who.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from baanbrekers.access import (
    get_visible_or_404,
    scope_to_municipalities,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.models import User
from jobseekers.models import JobSeeker

from .models import Visit, VisitStaff


def _joins(user: User):
    return Exists(VisitStaff.objects.filter(visit=OuterRef("pk"), user=user))


def visible_visits(user: User) -> QuerySet[Visit]:
    """Visits the user may open."""
    qs = Visit.objects.all()
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if sees_all_municipalities(user):
        return qs
    if works_in_back_office(user):
        in_region = scope_to_municipalities(qs, user, "employer__municipality")
        return qs.filter(Q(pk__in=in_region.values("pk")) | Q(_joins(user)))
    if user.is_alderman:
        return qs.filter(_joins(user))
    return qs.none()


def calendar_visits(user: User) -> QuerySet[Visit]:
    """Visits on the user's agenda: what they may open, plus for aldermen the visits in their
    municipalities (time and company only)."""
    if user.is_authenticated and user.is_active and user.is_alderman:
        return Visit.objects.filter(
            Q(_joins(user)) | Q(employer__municipality__in=user.municipalities.values("pk"))
        )
    return visible_visits(user)


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


def visible_jobseekers(user: User) -> QuerySet[JobSeeker]:
    """Job seekers the user may sign up or note clicks for: the back office's own region."""
    return scope_to_municipalities(JobSeeker.objects.all(), user)


def visits_for_employer_contact(user: User) -> QuerySet[Visit]:
    """Visits to the companies this portal user is a contact of (for the employer portal).

    Shows the visit itself; callers must not show job seekers' names from it (no consent).
    """
    if not (user.is_authenticated and user.is_active and user.is_employer_contact):
        return Visit.objects.none()
    return Visit.objects.filter(employer__contacts__user=user).distinct()
