"""Who sees which statistics (DESIGN.md section 4): one place for pages, exports and the API.

- Coordinators: every municipality on its own, and the region.
- Aldermen: their own municipality, the other municipalities of the region (to compare with) and
  the region, all through disclosure control. The region is every municipality on the platform.
- Caseworkers: their own municipalities on their own, and the region as a whole.
- Employer contacts and anyone else: nothing here (their impact page is the portal's).

Everyone sees aggregates only. The back office (caseworkers, coordinators) sees them exact;
aldermen see them through disclosure control (baanbrekers.disclosure, applied by
stats.selectors): ``sees_exact_figures`` decides which.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from baanbrekers.access import (
    has_staff_role,
    is_alderman,
    sees_all_municipalities,
    works_in_back_office,
)
from baanbrekers.models import Municipality, User

REGION = "region"


def can_see_stats(user: User) -> bool:
    """The municipality's own people (caseworkers, coordinators, aldermen)."""
    return has_staff_role(user)


def sees_exact_figures(user: User) -> bool:
    """DESIGN.md §4, "statistics: exact" for caseworkers and coordinators; anyone else who may
    see figures at all (aldermen) sees them through disclosure control."""
    return works_in_back_office(user)


def visible_municipalities(user: User) -> QuerySet[Municipality]:
    """Municipalities whose figures the user may see one by one."""
    if not can_see_stats(user):
        return Municipality.objects.none()
    # An alderman compares their municipality with the others of the region: protected figures
    # (sees_exact_figures is False for them), so seeing the others tells no more than the region.
    if sees_all_municipalities(user) or is_alderman(user):
        return Municipality.objects.all()
    return user.municipalities.all()


def municipalities_in_order(user: User) -> list[Municipality]:
    """The visible municipalities, the user's own first (then by name): the order of the area
    choice and of the comparison. Each carries ``is_own`` (one query for both)."""
    own = User.municipalities.through.objects.filter(
        user_id=user.pk, municipality_id=OuterRef("pk")
    )
    rows = visible_municipalities(user).annotate(is_own=Exists(own))
    return sorted(rows, key=lambda m: (not m.is_own, m.name))


def area_for_user(user: User, code: str | None, municipalities: list[Municipality]):
    """The area asked for: ``None`` for the region, or one of ``municipalities`` (the user's
    visible ones, already loaded). Anything else is a 404, as for a guessed id."""
    if not code or code == REGION:
        return None
    for municipality in municipalities:
        if municipality.cbs_code == code:
            return municipality
    raise Http404
