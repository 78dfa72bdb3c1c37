"""The error pages: 403, 404, 500 and a refused form (CSRF), in Dutch, with a way back.

Addresses under /portal/ get the portal's own pages (its navigation, "u"); everything else the
site's. The 500 page is rendered without the request's context processors: those read the
session and the user from the database, which may be the very thing that failed.
"""

from urllib.parse import urlsplit

from django.http import (
    HttpRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader

PORTAL_PREFIX = "/portal/"


def _is_portal(request: HttpRequest) -> bool:
    return request.path.startswith(PORTAL_PREFIX)


def _back_url(request: HttpRequest) -> str | None:
    """The page the visitor came from, when it is on this site (never an outside address)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.get_host():
        return None
    if parts.path == request.path:
        return None
    return referer


def _template(request: HttpRequest, name: str) -> str:
    return f"portal/{name}" if _is_portal(request) else name


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    template = loader.get_template(_template(request, "404.html"))
    body = template.render({"back_url": _back_url(request)}, request)
    return HttpResponseNotFound(body)


def permission_denied(request: HttpRequest, exception: Exception | None = None):
    # The reason is shown only when the code gave one in words (gettext), never a class name.
    reason = str(exception) if exception is not None and exception.args else ""
    template = loader.get_template(_template(request, "403.html"))
    body = template.render({"back_url": _back_url(request), "reason": reason}, request)
    return HttpResponseForbidden(body)


def csrf_failure(request: HttpRequest, reason: str = ""):
    """CSRF_FAILURE_VIEW: usually a form left open too long or sent after logging out elsewhere.

    Django's ``reason`` is technical English for developers; it stays out of the page."""
    template = loader.get_template("403_csrf.html")
    body = template.render({"back_url": _back_url(request)}, request)
    return HttpResponseForbidden(body)


def server_error(request: HttpRequest):
    # No request context: no session, no user, no database. Only the template and the URLconf.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({}))
