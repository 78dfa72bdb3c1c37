"""The API's one access mechanism: a role gate per view, and rows scoped by the models' rule.

Every viewset of the project uses these two pieces, so a route reads the same everywhere:

    class EmployerViewSet(VisibleToMixin, ..., viewsets.GenericViewSet):
        queryset = Employer.objects.all()
        read_if = "is_signed_in"
        write_if = "works_in_back_office"

- ``RolePermission`` lets a request in when the role predicate the view names holds for the user
  (``read_if`` for safe methods, ``write_if`` otherwise, ``action_if[action]`` for one action).
  The names are role predicates of ``baanbrekers.access``, the one home of roles; a name that is
  not there is a programming error, found on the first request.
- ``VisibleToMixin.get_queryset`` applies the model's ``visible_to(request.user)``, so a record
  outside the user's view is a 404, as on the pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from baanbrekers import access


def role_predicate(name: str):
    try:
        return access.ROLE_PREDICATES[name]
    except KeyError:
        raise LookupError(f"{name!r} is not a role predicate of baanbrekers.access") from None


class RolePermission(permissions.BasePermission):
    """Role gate configured per view: ``read_if``, ``write_if`` and ``action_if`` name predicates
    of ``baanbrekers.access``. Defaults: any signed-in user reads, the back office writes."""

    default_read_if = "is_signed_in"
    default_write_if = "works_in_back_office"

    def rule_for(self, request, view) -> str:
        action = getattr(view, "action", None)
        action_if = getattr(view, "action_if", None) or {}
        if action in action_if:
            return action_if[action]
        if request.method in permissions.SAFE_METHODS:
            return getattr(view, "read_if", None) or self.default_read_if
        return getattr(view, "write_if", None) or self.default_write_if

    def has_permission(self, request, view) -> bool:
        return bool(role_predicate(self.rule_for(request, view))(request.user))


class VisibleToMixin:
    """For a GenericAPIView/ViewSet: the role gate, and ``queryset`` narrowed to the rows the
    model's ``visible_to(user)`` allows. Views add ordering or annotations on top with
    ``super().get_queryset()``."""

    permission_classes = [RolePermission]
    read_if = RolePermission.default_read_if
    write_if = RolePermission.default_write_if
    action_if: dict[str, str] = {}

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return queryset.none()
        return queryset.visible_to(self.request.user)


class InteractiveSessionOnly(permissions.BasePermission):
    """For actions a person must do themselves in the browser, never a script with a token:
    revealing a BSN. A token request gets 403."""

    message = _(
        "This is only possible when you are signed in in the browser, not with an API token."
    )

    def has_permission(self, request, view) -> bool:
        # Positively a browser session (with its CSRF check, idle timeout and two-factor), so a
        # way in added later is refused until someone decides otherwise.
        return isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication)
