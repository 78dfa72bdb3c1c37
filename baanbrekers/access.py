"""The one place that knows how a user's municipalities limit what they see (DESIGN.md §4).

Apps build their ``visible_<nouns>(user)`` / ``<noun>_for_user(user, pk)`` helpers on these.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .models import Role, User


def sees_all_municipalities(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_coordinator)


def works_in_back_office(user: User) -> bool:
    """Caseworkers and coordinators: the people who keep the files."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_coordinator or user.role == Role.CASEWORKER)
    )


def scope_to_municipalities(qs: QuerySet, user: User, field: str = "municipality") -> QuerySet:
    """Back-office rows of the user's municipalities: all for coordinators, the user's own for
    caseworkers, none for anyone else (aldermen and employers get their own, narrower views)."""
    if sees_all_municipalities(user):
        return qs
    if works_in_back_office(user):
        return qs.filter(**{f"{field}__in": user.municipalities.values("pk")})
    return qs.none()


def get_visible_or_404(qs: QuerySet, pk):
    """Fetch from an already scoped queryset; a miss (or someone else's record) is a 404."""
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
