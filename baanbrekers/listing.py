"""Search, sort and paginate list pages the same way everywhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, QuerySet
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


# How many rows of a list, in its order, a search tests one by one before it answers from the
# indexes as a set instead (``FirstRowsOfSearch``).
SEARCH_WINDOW = 5_000


class FirstRowsOfSearch(Func):
    """``pk = ANY(ids)``: a search over a large list that reads only what its page needs.

    ``scope`` is the list without the search (every other filter applied, unordered);
    ``per_row`` is the search as a test of one row, ``as_set`` the same search written for the
    indexes (bitmaps, sets of holders). They must match the same rows: the callers build both
    from one rule, and tests compare them.

    The rows a statement needs are the first ``n`` in its order, where ``n`` is its slice's end
    (a page: offset + size; a capped count: cap + 1; ``exists()``: 1). So the ids are:

    * **a window**: the first ``SEARCH_WINDOW`` rows of ``scope`` in the statement's order (an
      ordered index; in any order for a count), each tested, stopping at the ``n``-th match.
      A word with many matches spread through the list fills a page after a few hundred rows;
    * **the set**, only when the window held fewer than ``n`` matches (a word with few matches,
      or matches that sort late, "zorggr"): ``as_set`` through its indexes, then sorted, and the
      first ``n`` kept. An ``OFFSET 0`` keeps the planner from walking the ordered index here
      (its estimate assumes matches are spread evenly: the case the window has just ruled out).

    One statement either way (the set is an init plan, evaluated only when the window came up
    short), so the number of queries is the same for every word. The window and the set give
    the same first ``n`` rows, so pages and counts are the same as with a plain filter. A
    statement without a slice, or in an order not in ``orders`` (the orders an index serves,
    ascending; their descending forms are allowed too), gets the whole set.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(
        self,
        *,
        scope: QuerySet,
        per_row: Q,
        as_set: Q,
        orders: Iterable[tuple[str, ...]],
        window: int | None = None,
    ):
        super().__init__(F("pk"))
        self.scope = scope.order_by()
        self.per_row = per_row
        self.as_set = as_set
        self.orders = {tuple(order) for order in orders} | {
            tuple(_reversed(field) for field in order) for order in orders
        }
        self.window = window or SEARCH_WINDOW

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        query = compiler.query
        wanted = query.high_mark
        ordered = bool(query.order_by or query.extra_order_by) or (
            query.default_ordering and bool(query.get_meta().ordering)
        )
        order = tuple(query.order_by) if ordered else ()
        # After .reverse() (or .last()) the order strings no longer say the direction: the
        # whole set then, as for an order no index serves.
        if wanted is None or not query.standard_ordering or (ordered and order not in self.orders):
            sql, params = self._compiled(compiler, connection, self._the_set(()))
            return f"{pk_sql} = ANY(ARRAY({sql}))", (*pk_params, *params)
        window_sql, window_params = self._compiled(compiler, connection, self._window(order))
        set_sql, set_params = self._compiled(compiler, connection, self._the_set(order))
        keys = _keys(order)
        sorting = ", ".join(
            f"{alias} {'DESC' if field.startswith('-') else 'ASC'}"
            for alias, field in zip(keys, order, strict=True)
        )
        sort = f" ORDER BY {sorting}" if order else ""
        fence = " OFFSET 0" if order else ""
        # Cast, so that ANY reads the scalar subquery as one array, not as a set of rows.
        array_type = f"{self.scope.model._meta.pk.db_type(connection)}[]"
        sql = (
            f"{pk_sql} = ANY((SELECT CASE WHEN cardinality(x.ids) >= {int(wanted)} THEN x.ids"
            f" ELSE ARRAY(SELECT s.w_id FROM ({set_sql}{fence}) s{sort} LIMIT {int(wanted)})"
            f" END FROM (SELECT ARRAY(SELECT w.w_id FROM ({window_sql}) w WHERE w.w_hit{sort}"
            f" LIMIT {int(wanted)}) AS ids OFFSET 0) x)::{array_type})"
        )
        return sql, (*pk_params, *set_params, *window_params)

    def _window(self, order: tuple[str, ...]) -> QuerySet:
        rows = self.scope.annotate(
            w_hit=ExpressionWrapper(self.per_row, output_field=BooleanField())
        )
        rows = _with_keys(rows, order).order_by(*order)
        # Without an order (a count) the window is read in the table's own order, a sequential
        # scan that costs a fraction of an ordered index walk per row: four times as many rows.
        size = self.window if order else 4 * self.window
        return rows.values("w_id", "w_hit", *_keys(order))[:size]

    def _the_set(self, order: tuple[str, ...]) -> QuerySet:
        rows = _with_keys(self.scope.filter(self.as_set), order)
        return rows.values("w_id", *_keys(order))

    @staticmethod
    def _compiled(compiler, connection, rows: QuerySet) -> tuple[str, tuple]:
        return rows.query.get_compiler(connection=connection).as_sql()


def _reversed(field: str) -> str:
    return field[1:] if field.startswith("-") else f"-{field}"


def _keys(order: tuple[str, ...]) -> list[str]:
    return [f"w_k{n}" for n in range(len(order))]


def _with_keys(rows: QuerySet, order: tuple[str, ...]) -> QuerySet:
    keys = {key: F(field.lstrip("-")) for key, field in zip(_keys(order), order, strict=True)}
    return rows.annotate(w_id=F("pk"), **keys)
