"""Roles, and how a user's municipalities limit what they see (DESIGN.md §4 and §9).

Two kinds of rules live here, and nothing else:

- *role predicates* (``works_in_back_office``, ``has_staff_role``, ...): may this kind of user
  use this kind of page or API at all? Pages ask them through ``baanbrekers.viewtools``, the API
  through ``baanbrekers.api.permissions.RolePermission`` (which names them as strings).
- ``scope_to_municipalities``: the region rule, asked only by the models' ``visible_to(user)``
  QuerySet methods, which say which *rows* a user sees. Nothing else filters by a user's
  municipalities by hand.
"""

from __future__ import annotations

from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404

from .models import STAFF_ROLES, Role, User


def is_signed_in(user: User) -> bool:
    """Any active, logged-in account; which rows it sees is the models' ``visible_to``."""
    return bool(user.is_authenticated and user.is_active)


def sees_all_municipalities(user: User) -> bool:
    return bool(is_signed_in(user) and user.is_coordinator)


def is_coordinator(user: User) -> bool:
    """Coordinators (and superusers): all municipalities, the admin, AVG exports."""
    return bool(is_signed_in(user) and user.is_coordinator)


def works_in_back_office(user: User) -> bool:
    """Caseworkers and coordinators: the people who keep the files."""
    return bool(is_signed_in(user) and (user.is_coordinator or user.role == Role.CASEWORKER))


def has_staff_role(user: User) -> bool:
    """Caseworkers, coordinators and aldermen: the municipality's own people (the agenda, the
    figures); employer contacts are not."""
    return bool(is_signed_in(user) and (user.is_superuser or user.role in STAFF_ROLES))


def is_alderman(user: User) -> bool:
    return bool(is_signed_in(user) and user.role == Role.ALDERMAN)


def is_employer_contact(user: User) -> bool:
    """A portal user: someone who works for an employer (which one is ``EmployerContact``)."""
    return bool(is_signed_in(user) and user.role == Role.EMPLOYER_CONTACT)


def works_in_back_office_or_for_employer(user: User) -> bool:
    """The back office, or an employer contact (who may change their own company's story)."""
    return works_in_back_office(user) or is_employer_contact(user)


# The names the API's RolePermission accepts: every role predicate of this module.
ROLE_PREDICATES = {
    predicate.__name__: predicate
    for predicate in (
        is_signed_in,
        sees_all_municipalities,
        works_in_back_office,
        has_staff_role,
        is_alderman,
        is_employer_contact,
        works_in_back_office_or_for_employer,
    )
}


def municipality_ids(user: User) -> list[int]:
    """The user's municipality ids, read once per user object.

    Kept in Django's prefetch cache of ``user.municipalities``: it lives as long as the object
    (a request's user, a user a task or command loads), and ``add``, ``remove``, ``set`` and
    ``clear`` on that object's manager empty it, so a change made through the same object is
    seen at once. A user object kept across requests would keep its ids: there is none (the
    session and token authentication load the user per request). Whoever prefetches a user's
    municipalities must prefetch all of them (never a narrowed ``Prefetch``): this is the scope."""
    if "municipalities" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "municipalities")
    return [municipality.pk for municipality in user.municipalities.all()]


def scope_to_municipalities(qs: QuerySet, user: User, field: str = "municipality") -> QuerySet:
    """Back-office rows of the user's municipalities: all for coordinators, the user's own for
    caseworkers, none for anyone else (aldermen and employers get their own, narrower views).

    The ids go into the SQL as literals, not as ``IN (SELECT ... user_municipalities)``: with a
    subquery PostgreSQL guesses a few hundred rows per municipality and never picks the ordered
    index paths the lists need; with the ids it knows each municipality's real size.

    Only the ``visible_to`` QuerySet methods call this."""
    if sees_all_municipalities(user):
        return qs
    if works_in_back_office(user):
        return qs.filter(**{f"{field}__in": municipality_ids(user)})
    return qs.none()


def back_office_staff(user: User | None = None) -> QuerySet[User]:
    """Active caseworkers and coordinators, by name: who may keep a job seeker's file, own an
    employer relationship or a follow-up. With a ``user`` who does not see every municipality:
    those who work in one of the user's municipalities (the staff a caseworker is offered in
    forms and filters; a national instance has thousands of others)."""
    qs = User.objects.filter(is_active=True, role__in=[Role.CASEWORKER, Role.COORDINATOR])
    if user is not None and not sees_all_municipalities(user):
        qs = qs.filter(municipalities__in=municipality_ids(user)).distinct()
    return qs.order_by("first_name", "last_name", "email")


def get_visible_or_404(qs: QuerySet, pk):
    """Fetch from an already scoped queryset (``Model.objects.visible_to(user)``); a miss, someone
    else's record or a malformed id is a 404, so guessing ids reveals nothing."""
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
