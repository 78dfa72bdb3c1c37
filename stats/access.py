"""Who sees which statistics (DESIGN.md section 4): one place for pages, exports and the API.

- Coordinators: every municipality on its own, and the region.
- Caseworkers and aldermen: their own municipalities on their own, and the region as a whole.
- Employer contacts and anyone else: nothing here (their impact page is the portal's).

Everyone sees aggregates only, with small numbers suppressed (stats.suppression).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from baanbrekers.access import sees_all_municipalities
from baanbrekers.models import Municipality, Role, User

REGION = "region"


def can_see_stats(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in (Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN))
    )


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities whose figures the user may see one by one."""
    if not can_see_stats(user):
        return Municipality.objects.none()
    if sees_all_municipalities(user):
        return Municipality.objects.all()
    return user.municipalities.all()


def area_for_user(user: User, code: str | None, municipalities: list[Municipality]):
    """The area asked for: ``None`` for the region, or one of ``municipalities`` (the user's
    visible ones, already loaded). Anything else is a 404, as for a guessed id."""
    if not code or code == REGION:
        return None
    for municipality in municipalities:
        if municipality.cbs_code == code:
            return municipality
    raise Http404
