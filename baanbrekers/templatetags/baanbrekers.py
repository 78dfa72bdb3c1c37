from django import template
from django.utils.html import format_html

register = template.Library()


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
