"""Which sections each role finds in the main navigation.

Apps add their entry points here as they arrive; the rules of who may open a page live in the
views' access helpers, this only decides what is worth showing.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
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


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    role = Role.COORDINATOR if user.is_superuser else user.role
    items = []
    for item in NAV_ITEMS:
        if role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # The section is not built yet in this version.
            continue
        current = url == current_path if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
