from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.urls import NoReverseMatch, get_script_prefix
from django.utils.html import format_html

from baanbrekers.navigation import header_html, language_form_html, url_of

register = template.Library()


@register.simple_tag
def fixed_url(url_name: str) -> str:
    """``{% url 'name' %}`` for a name without arguments, reversed once per process (the
    header's links, on every page)."""
    url = url_of(url_name)
    if url is None:
        raise NoReverseMatch(f"Reverse for '{url_name}' not found.")
    return url


# The address of a static file (the manifest's hashed name) cannot change while a process runs;
# settings changed by tests (STATIC_URL, STORAGES) start over.
_STATIC: dict[tuple[str, str], str] = {}


@register.simple_tag
def cached_static(path: str) -> str:
    """``{% static path %}``, looked up in the manifest once per process."""
    key = (path, get_script_prefix())
    url = _STATIC.get(key)
    if url is None:
        url = _STATIC[key] = static(path)
    return url


def _forget_static(*, setting, **kwargs) -> None:
    if setting in {"STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "DEBUG"}:
        _STATIC.clear()


setting_changed.connect(_forget_static, dispatch_uid="baanbrekers.templatetags.cached_static")


@register.simple_tag(takes_context=True)
def page_header(context) -> str:
    """The inside of the page header (base.html): brand, user, navigation
    (``baanbrekers.navigation.header_html``)."""
    return header_html(
        user=context.get("user"),
        nav_items=context.get("nav_items"),
        csrf_token=context.get("csrf_token"),
    )


@register.simple_tag(takes_context=True)
def language_form(context) -> str:
    """The footer's language switch (``baanbrekers.navigation.language_form_html``)."""
    request = context.get("request")
    return language_form_html(
        csrf_token=context.get("csrf_token"),
        next_path=request.get_full_path() if request is not None else "",
    )


@register.simple_tag(takes_context=True)
def query_replace(context, **changes) -> str:
    """The current query string with some parameters replaced (or removed when None/"")."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str):
    """A table header link that sorts by ``key``, toggling direction, with aria-sort."""
    current = context.get("sort", "")
    if current == key:
        next_key, aria = f"-{key}", "ascending"
    elif current == f"-{key}":
        next_key, aria = key, "descending"
    else:
        next_key, aria = key, "none"
    href = query_replace(context, sort=next_key, page=None)
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(aria, "")
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="utrecht-link" href="{}">{}{}</a></th>',
        aria,
        href,
        label,
        arrow,
    )


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def pagination(context, page):
    return {"page": page, "request": context["request"]}
