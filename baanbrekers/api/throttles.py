"""Rate limits, counted in the Redis cache (issue 13).

- ``ApiUserThrottle`` / ``ApiAnonThrottle``: every API request, per user (per address when not
  signed in); ``REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]``.
- ``rate_limit_wait(request, scope, by=...)``: one action (BSN reveal, claim, invitation
  acceptance) on the pages and the API alike, per user or per address.

The rates are ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` in the settings (the README's
configuration table), read on every check so a test's ``override_settings`` applies.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRate:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class ApiUserThrottle(_SettingsRate, SimpleRateThrottle):
    """Every API request of a signed-in user, whatever the way in (session or token)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class ApiAnonThrottle(_SettingsRate, SimpleRateThrottle):
    """The public API routes (schema, docs) per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ActionThrottle(_SettingsRate, SimpleRateThrottle):
    """One action's limit, per user (``by="user"``) or per address (``by="address"``)."""

    def __init__(self, scope: str, by: str):
        if by not in ("user", "address"):
            raise ValueError(by)
        self.scope = scope
        self.by = by
        super().__init__()

    def get_cache_key(self, request, view):
        if self.by == "user":
            user = getattr(request, "user", None)
            if not (user and user.is_authenticated):
                return None
            ident = user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def rate_limit_wait(request, scope: str, *, by: str = "user") -> int | None:
    """Counts this attempt against ``scope``; None when allowed, else the seconds to wait.

    Works for a Django request (pages) and a DRF request (API) alike."""
    throttle = ActionThrottle(scope, by)
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def rate_limits_wait(request, *limits: tuple[str, str]) -> int | None:
    """Several limits in turn (``("claim_user", "user"), ("claim_address", "address")``): the
    wait of the first that refuses (the later ones do not count a refused attempt), or None
    when all allow."""
    for scope, by in limits:
        wait = rate_limit_wait(request, scope, by=by)
        if wait is not None:
            return wait
    return None


def too_many_attempts_message(wait: int | None) -> str:
    """The one answer to a throttled request, on pages and in the API."""
    if not wait:
        return _("Too many attempts. Please wait a while and try again.")
    if wait < 60:
        return ngettext(
            "Too many attempts. Please wait %(count)d second and try again.",
            "Too many attempts. Please wait %(count)d seconds and try again.",
            wait,
        ) % {"count": wait}
    minutes = math.ceil(wait / 60)
    return ngettext(
        "Too many attempts. Please wait %(count)d minute and try again.",
        "Too many attempts. Please wait %(count)d minutes and try again.",
        minutes,
    ) % {"count": minutes}
