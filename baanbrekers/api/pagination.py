"""The API's pages (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``).

A list answers ``{"count", "count_capped", "next", "previous", "results"}``. ``count`` is exact up
to ``COUNT_CAP`` (the HTML lists' cap, ``baanbrekers.listing``); beyond it ``count`` is the cap and
``count_capped`` is true: counting every row of a national list costs more than the page itself.
The pages are not capped: ``next`` is there as long as there are more rows (the page reads one row
ahead), so a client that follows ``next`` still gets every row.
"""

from __future__ import annotations

import functools

from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from baanbrekers.listing import COUNT_CAP, CappedPaginator


class ReadAheadPaginator(CappedPaginator):
    """``CappedPaginator``'s count, with every page reachable: a page reads ``per_page + 1`` rows,
    so whether there is a next one is known without counting, and a page past the end is an
    ``EmptyPage`` once it is read. A page that is not full (or one past the cap) says what the
    count is, so most small lists run no count query at all."""

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        more = len(rows) > self.per_page
        rows = rows[: self.per_page]
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        if not more:
            # The last page: everything before it and on it is the whole list.
            self.__dict__["_counted"] = bottom + len(rows)
        elif bottom + len(rows) >= self.cap:  # and at least one more row
            self.__dict__["_counted"] = self.cap + 1
        self._pages_seen = max(getattr(self, "_pages_seen", 0), number + more)
        return ReadAheadPage(rows, number, self, more=more)

    @property
    def num_pages(self) -> int:
        # At least up to the next page read so far (the browsable API's page links).
        return max(super().num_pages, getattr(self, "_pages_seen", 0))

    @cached_property
    def exact_count(self) -> int:
        """Every row, counted (``?page=last`` only)."""
        rows = self.object_list
        return rows.count() if isinstance(rows, QuerySet) else len(rows)


class ReadAheadPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1


class PageNumbers(PageNumberPagination):
    """DRF's page numbers with a capped count (see the module's docstring), and ``?page=``
    (empty) refused like any other page that is not a number (404), as the schema says (an
    integer), rather than read as page 1."""

    count_cap = COUNT_CAP

    @property
    def django_paginator_class(self):
        return functools.partial(ReadAheadPaginator, cap=self.count_cap)

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        if number in self.last_page_strings:
            # The one place that needs every row counted: the number of the last page.
            return max(1, -(-paginator.exact_count // paginator.per_page))
        return number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        properties = response["properties"]
        properties["count"] = {
            **properties["count"],
            "description": f"The number of results, counted up to {self.count_cap}. When "
            f"`count_capped` is true there are more than {self.count_cap} and `count` is "
            f"{self.count_cap}; every result can still be read by following `next`.",
        }
        properties["count_capped"] = {
            "type": "boolean",
            "example": False,
            "description": f"True when there are more than {self.count_cap} results (`count` "
            "then says the cap, not the number of results).",
        }
        # Keep the documented order of the answer's keys.
        response["properties"] = {
            key: properties[key] for key in ("count", "count_capped", "next", "previous", "results")
        }
        response["required"] = ["count", "count_capped", "results"]
        return response
