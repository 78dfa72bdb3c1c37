"""Search, sort and paginate list pages the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import cached_property

PAGE_SIZES = (25, 50, 100)

# A list counts its matches up to here and says "1.000+" beyond: counting every match of a broad
# search at national size costs more than the page itself, and nobody pages past a thousand rows
# (they refine the search instead).
COUNT_CAP = 1_000


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


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (SELECT ...
    LIMIT cap + 1)``, unordered, so PostgreSQL stops at the first rows it finds).

    Up to the cap it is Django's paginator. Beyond it, ``capped`` is true, ``count`` is the cap,
    the pages run up to the cap (the last one has no "next") and ``count_label`` says "1.000+"
    (the number in the active language's format)."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return rows.order_by()[: self.cap + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap

    @property
    def count_label(self) -> str:
        label = number_format(self.count, force_grouping=True)
        return f"{label}+" if self.capped else label


def paginate(request, qs: QuerySet, *, default_size: int = 25, cap: int | None = None) -> Page:
    """A page of ``qs`` as the request asks (``page``, ``per_page``). With ``cap``, the count
    stops there (``CappedPaginator``): for lists whose searches can match most of the country."""
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    paginator = Paginator(qs, size) if cap is None else CappedPaginator(qs, size, cap=cap)
    return paginator.get_page(request.GET.get("page"))
