"""Session lifetime, session activity and two-factor enforcement, checked on the server for every
request."""

import hashlib
import re
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


ACTIVITY_KEY = "bb_activity"


class UserSessionActivityMiddleware:
    """allauth's session record (``usersessions``: address, browser, last seen) kept up to date
    at most once a minute, instead of allauth's ``UserSessionsMiddleware`` on every request.

    The record is written at once for a session not yet tracked (a new session key), and when
    the client's address or browser changes (allauth then sends ``session_client_changed``);
    otherwise ``last_seen_at`` is refreshed once ``_SEEN_WRITE_INTERVAL`` has passed. What is
    tracked lives in the session itself, so the check costs no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None and user.is_authenticated:
            self._track(request, user, session)
        return self.get_response(request)

    def _track(self, request, user, session) -> None:
        from allauth.account.adapter import get_adapter
        from allauth.usersessions.internal import usersessionkit

        if not session.session_key:
            return
        client = hashlib.blake2b(
            "\n".join(
                [
                    session.session_key,
                    str(user.pk),
                    get_adapter().get_client_ip(request) or "",
                    request.META.get("HTTP_USER_AGENT", ""),
                ]
            ).encode(),
            digest_size=12,
        ).hexdigest()
        now = time.time()
        tracked = session.get(ACTIVITY_KEY)
        if tracked and tracked[0] == client and now - tracked[1] < _SEEN_WRITE_INTERVAL:
            return
        usersessionkit.track_activity(request, user=user, session=session)
        session[ACTIVITY_KEY] = [client, now]


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
        if not needs_two_factor_setup(user):
            request.session[MFA_OK_KEY] = True
            return False
        return True


def needs_two_factor_setup(user) -> bool:
    """Staff without a TOTP authenticator, while MFA_REQUIRED_FOR_STAFF is on, may not work yet.

    The one rule, asked by the middleware above (sessions) and by the API's token
    authentication (baanbrekers.api.authentication), so a token is refused as a session is."""
    if not (settings.MFA_REQUIRED_FOR_STAFF and user and user.is_authenticated):
        return False
    if not user.is_staff_role:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# C0 control characters and DEL, except tab, line feed and carriage return (which a textarea
# and pasted text legitimately hold). PostgreSQL text cannot hold NUL at all; the others have no
# meaning in a name, search term or filter and only ever arrive from a script.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


class RejectNulCharactersMiddleware:
    """Refuses a query string or a posted form with a NUL or another control character, with a
    clear 400 instead of a server error.

    PostgreSQL text cannot hold NUL, so a NUL in a search term or filter would fail deep in a
    query (psycopg raises); no legitimate search, filter or form field holds a control character.
    JSON bodies are checked by the API's parser (baanbrekers.api.parsers), after decoding, where
    ``\u0000`` escapes have become characters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(has_control_characters(key + value) for key, value in _query_items(request)):
            return _refusal(
                request,
                _(
                    "The address contains a character that is not allowed (NUL or another control character)."
                ),
            )
        if _is_form(request) and any(
            has_control_characters(key + value) for key, value in _form_items(request)
        ):
            if request.path.startswith("/api/"):
                return _refusal(
                    request,
                    _(
                        "The form contains a character that is not allowed (NUL or another control character)."
                    ),
                )
            # A page form keeps what the user typed: text pasted from a word processor can hold
            # invisible control characters, which are dropped instead of refusing the whole form.
            request.POST = _without_control_characters(request.POST)
        return self.get_response(request)


def _refusal(request, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _is_form(request) -> bool:
    content_type = request.content_type or ""
    return request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )


def _without_control_characters(data):
    cleaned = data.copy()
    for key in list(cleaned.keys()):
        cleaned.setlist(key, [CONTROL_CHARACTERS.sub("", value) for value in data.getlist(key)])
    cleaned._mutable = False
    return cleaned


def _query_items(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


def _form_items(request):
    try:
        data = request.POST
    except Exception:  # noqa: BLE001 - a malformed body is the form's own 400, not ours
        return
    for key, values in data.lists():
        for value in values:
            yield key, value


class ApiNotFoundAsJsonMiddleware:
    """An address under /api/ that matches no route answers 404 in JSON, like every other API
    answer (the schema promises JSON), instead of the site's HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return JsonResponse({"detail": _("Not found.")}, status=404)
        return response
