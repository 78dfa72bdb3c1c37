"""Which sections each role finds in the main navigation.

Apps add their entry points here as they arrive; the rules of who may open a page live in the
views' access helpers, this only decides what is worth showing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
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


# The sections each role finds (label, address), per role and URL configuration: the same for
# every request of a process.
_ROLE_ITEMS: dict[tuple, list[tuple[object, str]]] = {}


def _items_of(role: str) -> list[tuple[object, str]]:
    key = (role, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    items = _ROLE_ITEMS.get(key)
    if items is None:
        items = _ROLE_ITEMS[key] = [
            (item.label, url)
            for item in NAV_ITEMS
            # A section not built yet in this version has no address.
            if role in item.roles and (url := url_of(item.url_name)) is not None
        ]
    return items


def navigation_for(user, current_path: str = "") -> list[dict]:
    if not user.is_authenticated:
        return []
    role = Role.COORDINATOR if user.is_superuser else user.role
    return [
        {
            "label": label,
            "url": url,
            "current": url == current_path if url == "/" else current_path.startswith(url),
        }
        for label, url in _items_of(role)
    ]


_CURRENT = mark_safe(' aria-current="page"')
_SELECTED = mark_safe(" selected")

# The navigation's markup per language and set of items (which one is current): a few dozen
# strings per process. It holds no one's data: labels and addresses only.
_NAV_HTML: dict[tuple, str] = {}


def navigation_html(nav_items: list[dict]) -> str:
    """The page header's ``<nav>`` for the items of :func:`navigation_for` ("" for none)."""
    if not nav_items:
        return ""
    # An item's label follows from its address and the language.
    key = (get_language(), *((i["url"], i["current"]) for i in nav_items))
    html = _NAV_HTML.get(key)
    if html is None:
        links = format_html_join(
            "\n",
            '            <li><a class="bb-nav__link" href="{}"{}>{}</a></li>',
            ((i["url"], _CURRENT if i["current"] else "", i["label"]) for i in nav_items),
        )
        html = _NAV_HTML[key] = format_html(
            '<nav class="bb-nav" aria-label="{}">\n          <ul class="bb-nav__list">\n{}\n'
            "          </ul>\n        </nav>",
            gettext("Main navigation"),
            links,
        )
    return html


def csrf_input(csrf_token) -> str:
    """``{% csrf_token %}``'s hidden field for the context's token."""
    if not csrf_token or csrf_token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token)


def _fixed_url(url_name: str) -> str:
    url = url_of(url_name)
    if url is None:
        raise NoReverseMatch(f"Reverse for '{url_name}' not found.")
    return url


# The header's and footer's fixed markup per language and URL configuration, split where a
# request's own values (the CSRF token, the user's name, the page's address) go in.
_FRAME_PARTS: dict[tuple, dict[str, str]] = {}


def _frame_parts() -> dict[str, str]:
    language = get_language()
    key = (language, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
    parts = _FRAME_PARTS.get(key)
    if parts is not None:
        return parts
    options = format_html_join(
        "\n",
        '            <option value="{}"{}>{}</option>',
        (
            (code, _SELECTED if code == language else "", name)
            for code, name in (
                (code, "Nederlands" if code == "nl" else "English")
                for code, _name in settings.LANGUAGES
            )
        ),
    )
    parts = _FRAME_PARTS[key] = {
        "brand": format_html(
            '<a class="bb-brand utrecht-link" href="{}">Baanbrekers</a>', _fixed_url("home")
        ),
        "user_links": format_html(
            '\n            <a class="utrecht-link" href="{}">{}</a>'
            '\n            <a class="utrecht-link" href="{}">{}</a>'
            '\n            <form method="post" action="{}" class="bb-inline-form">\n              ',
            _fixed_url("account_email"),
            gettext("My account"),
            _fixed_url("api_tokens"),
            gettext("API tokens"),
            _fixed_url("account_logout"),
        ),
        "user_end": format_html(
            '\n              <button type="submit" class="utrecht-button utrecht-button--subtle">'
            "{}</button>\n            </form>\n          </div>",
            gettext("Log out"),
        ),
        "language_start": format_html(
            '<form action="{}" method="post" class="bb-language">\n        ',
            _fixed_url("set_language"),
        ),
        "language_end": format_html(
            '">\n        <label class="utrecht-form-label" for="language-select">{}</label>'
            '\n        <select id="language-select" name="language"'
            ' class="utrecht-select utrecht-select--html-select">\n{}\n        </select>'
            '\n        <button type="submit" class="utrecht-button'
            ' utrecht-button--secondary-action">{}</button>\n      </form>',
            gettext("Language"),
            options,
            gettext("Switch"),
        ),
    }
    return parts


def header_html(*, user, nav_items, csrf_token) -> str:
    """The inside of base.html's ``<header>``: the brand, who is signed in with their links and
    the log-out form, the navigation. Written in Python, the fixed parts kept per language: as
    template markup it cost about 0.6 ms of CPU on every page (issue 14, per-request cost)."""
    parts = _frame_parts()
    html = [
        '\n      <div class="bb-header__inner">\n        ',
        parts["brand"],
    ]
    if user is not None and user.is_authenticated:
        html += [
            format_html(
                '\n          <div class="bb-header__user">'
                '\n            <span>{} <span class="bb-role">({})</span></span>',
                user,
                user.get_role_display(),
            ),
            parts["user_links"],
            csrf_input(csrf_token),
            parts["user_end"],
        ]
    html.append("\n      </div>")
    nav = navigation_html(nav_items)
    if nav:
        html += ["\n        ", nav]
    html.append("\n    ")
    return mark_safe("".join(html))  # noqa: S308 - every part above is escaped or fixed markup


def language_form_html(*, csrf_token, next_path: str) -> str:
    """The footer's language switch (base.html's ``language_switch`` block), as the header."""
    parts = _frame_parts()
    return format_html(
        '{}{}\n        <input name="next" type="hidden" value="{}{}',
        parts["language_start"],
        csrf_input(csrf_token),
        next_path,
        parts["language_end"],
    )
