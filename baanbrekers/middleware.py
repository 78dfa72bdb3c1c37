"""Session lifetime and two-factor enforcement, checked on the server for every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "bb_started_at"
SESSION_SEEN_KEY = "bb_seen_at"
# Writing the session on every request costs a query; a minute of precision is enough.
_SEEN_WRITE_INTERVAL = 60


class SessionLifetimeMiddleware:
    """Ends a session after SESSION_COOKIE_AGE in any case and after an idle period for staff.

    The cookie's own age is not enough: a stolen cookie must stop working on the server too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            seen = session.get(SESSION_SEEN_KEY, now)
            too_old = now - started > settings.SESSION_COOKIE_AGE
            idle = user.is_staff_role and now - seen > settings.SESSION_IDLE_TIMEOUT_STAFF
            if too_old or idle:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                if request.headers.get("HX-Request"):
                    # htmx swaps fragments; it must navigate the whole page to the login form.
                    return HttpResponse(headers={"HX-Redirect": reverse(settings.LOGIN_URL)})
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - seen >= _SEEN_WRITE_INTERVAL or SESSION_SEEN_KEY not in session:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


MFA_OK_KEY = "bb_mfa_ok"


class StaffMFARequiredMiddleware:
    """Sends staff without a TOTP authenticator to set one up, when MFA_REQUIRED_FOR_STAFF is on.

    Pages for logging out, setting up two-factor and the like stay reachable; everything else,
    the API included, is refused until the user has an authenticator.
    """

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using the API.")},
                    status=403,
                )
            messages.warning(request, _("Set up two-factor authentication to continue working."))
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        user = getattr(request, "user", None)
        if not (settings.MFA_REQUIRED_FOR_STAFF and user and user.is_authenticated):
            return False
        if not user.is_staff_role or request.path.startswith(self.allowed_prefixes):
            return False
        if request.session.get(MFA_OK_KEY):
            return False
        from allauth.mfa.models import Authenticator

        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            request.session[MFA_OK_KEY] = True
            return False
        return True


class RejectNulCharactersMiddleware:
    """Refuses a query string with a NUL character, with a clear 400 instead of a server error.

    PostgreSQL text cannot hold NUL, so a NUL in a search term or filter would fail deep in a
    query (psycopg raises). No legitimate search or filter contains one; forms already refuse
    NUL in posted fields (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _query_items(request)):
            message = _("The address contains a character that is not allowed (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _query_items(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value
