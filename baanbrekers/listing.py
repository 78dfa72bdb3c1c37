"""Search, sort and paginate list pages the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZES = (25, 50, 100)


@dataclass(frozen=True)
class Sorting:
    """Allowed sort keys (what the URL says) mapped to ORM orderings."""

    options: dict[str, tuple[str, ...]]
    default: str

    def apply(self, qs: QuerySet, requested: str | None) -> tuple[QuerySet, str]:
        key = requested or self.default
        descending = key.startswith("-")
        base = key.lstrip("-")
        if base not in self.options:
            key, descending, base = (
                self.default,
                self.default.startswith("-"),
                self.default.lstrip("-"),
            )
        fields = self.options[base]
        ordering = [f"-{f}" if descending and not f.startswith("-") else f for f in fields]
        # A unique last key keeps pages stable when many rows share a value.
        return qs.order_by(*ordering, "-pk" if descending else "pk"), key


def paginate(request, qs: QuerySet, *, default_size: int = 25) -> Page:
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    return Paginator(qs, size).get_page(request.GET.get("page"))
