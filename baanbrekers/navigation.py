"""Which sections each role finds in the main navigation.

Apps add their entry points here as they arrive; the rules of who may open a page live in the
views' access helpers, this only decides what is worth showing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]


ALL_STAFF = frozenset({Role.CASEWORKER, Role.COORDINATOR, Role.ALDERMAN})
BACK_OFFICE = frozenset({Role.CASEWORKER, Role.COORDINATOR})

NAV_ITEMS = [
    NavItem(_("Home"), "home", ALL_STAFF | {Role.EMPLOYER_CONTACT}),
    NavItem(_("Employers"), "employers:list", BACK_OFFICE),
    NavItem(_("Job seekers"), "jobseekers:list", BACK_OFFICE),
    NavItem(_("Visits"), "visits:list", ALL_STAFF),
    NavItem(_("Pipeline"), "placements:pipeline", BACK_OFFICE),
    NavItem(_("Dashboard"), "dashboard:index", ALL_STAFF),
    NavItem(_("Follow-ups"), "followups", BACK_OFFICE),
    NavItem(_("My company"), "portal:home", frozenset({Role.EMPLOYER_CONTACT})),
    # Claims to join a company wait here for a caseworker's approval; invitations are sent here.
    NavItem(_("Portal requests"), "portal:staff_requests", BACK_OFFICE),
    # Bringing employers and job seekers in from a spreadsheet, and taking them out (issue 16).
    NavItem(_("Import"), "imports:index", frozenset({Role.COORDINATOR})),
    NavItem(_("Management"), "admin:index", frozenset({Role.COORDINATOR})),
]


# Reversed addresses of argument-free URL names, per URL configuration and script prefix: they
# cannot change while a process runs, and every page's header asks for a dozen of them.
_REVERSED: dict[tuple[str, str, object, object], str | None] = {}


def url_of(url_name: str) -> str | None:
    """``reverse(url_name)`` for a name without arguments, remembered; None when it does not
    exist (a section not built in this version)."""
    key = (url_name, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    try:
        return _REVERSED[key]
    except KeyError:
        pass
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        url = None
    _REVERSED[key] = url
    return url


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    role = Role.COORDINATOR if user.is_superuser else user.role
    items = []
    for item in NAV_ITEMS:
        if role not in item.roles:
            continue
        url = url_of(item.url_name)
        if url is None:
            # The section is not built yet in this version.
            continue
        current = url == current_path if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
