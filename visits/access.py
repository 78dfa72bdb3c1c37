"""The visits pages' access helpers: thin wrappers over the model's rule.

Who sees which visit is written once, ``Visit.objects.visible_to(user)`` (and the aldermen's
agenda ``Visit.objects.on_calendar_of(user)``) in ``visits.models``; job seekers are
``JobSeeker.objects.visible_to(user)``. The visits pages are for the municipality's own people
(caseworkers, coordinators, aldermen); an employer contact sees their company's visits in the
portal. Job seekers' names are for the back office only: aldermen see how many come, not who.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from baanbrekers.access import (
    get_visible_or_404,
    has_staff_role,
    municipality_ids,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.models import Municipality, Role, User

from .models import Visit


def visible_visits(user: User) -> QuerySet[Visit]:
    """Visits the user may open on the visits pages."""
    if not has_staff_role(user):
        return Visit.objects.none()
    return Visit.objects.visible_to(user)


def calendar_visits(user: User, within: QuerySet[Visit] | None = None) -> QuerySet[Visit]:
    """Visits on the user's agenda (for aldermen also the other visits in their municipalities,
    time and company only), of ``within`` (the agenda's days) when given: the window goes into
    each half of the rule (``on_calendar_of(union=True)``), so a month of a large municipality
    is one cheap, well-estimated query instead of a plan over most visits of the country."""
    qs = within if within is not None else Visit.objects.all()
    if not has_staff_role(user):
        return qs.none()
    return qs.on_calendar_of(user, union=True)


def agenda_municipalities(user: User) -> QuerySet[Municipality]:
    """The municipalities the user's agenda can be narrowed to: every one for coordinators, the
    user's own for caseworkers and aldermen, whose agenda holds their municipalities' visits
    (``Visit.objects.on_calendar_of``; the user's municipalities are ``municipality_ids``). A
    visit a user joins elsewhere stays on the agenda without a filter: offering every
    municipality of the country for those few made the filter useless."""
    if sees_all_municipalities(user):
        return Municipality.objects.all()
    if not has_staff_role(user):
        return Municipality.objects.none()
    return Municipality.objects.filter(pk__in=municipality_ids(user))


def agenda_aldermen(user: User) -> QuerySet[User]:
    """The aldermen the user's agenda can be narrowed to (the visits they join), by name: every
    active alderman for coordinators, those of the user's municipalities for the others (as
    ``agenda_municipalities``)."""
    qs = User.objects.filter(is_active=True, role=Role.ALDERMAN)
    if sees_all_municipalities(user):
        return qs.order_by("first_name", "email")
    if not has_staff_role(user):
        return qs.none()
    return (
        qs.filter(municipalities__in=municipality_ids(user))
        .distinct()
        .order_by("first_name", "email")
    )


def visit_staff_choices(
    user: User, *, roles: tuple[str, ...], visit: Visit | None = None
) -> QuerySet[User]:
    """The colleagues and aldermen offered for a visit (to join it, to own an action agreed on
    it): active users of ``roles`` who work in the company's municipality, those already on the
    visit, the coordinators (who work everywhere, often without a municipality of their own),
    and, for users who do not see every municipality, those of the user's own
    municipalities. A coordinator planning a new visit (no company yet) is offered everyone. A
    national instance has thousands of staff: a list of them all on every visit form was most
    of the page, and let a caseworker pick people far outside the visit's region."""
    qs = User.objects.filter(is_active=True, role__in=roles)
    places = set() if sees_all_municipalities(user) else set(municipality_ids(user))
    if visit is None and sees_all_municipalities(user):
        return qs.order_by("first_name", "last_name", "email")
    where = Q(municipalities__in=places) | Q(role=Role.COORDINATOR)
    if visit is not None:
        where = Q(municipalities=visit.employer.municipality_id) | where
        where |= Q(visit_attendances__visit=visit)
    return qs.filter(where).distinct().order_by("first_name", "last_name", "email")


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
