"""The API's pages (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``)."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class PageNumbers(PageNumberPagination):
    """DRF's page numbers, with ``?page=`` (empty) refused like any other page that is not a
    number (404), as the schema says (an integer), rather than read as page 1."""

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is None:
            return 1
        if number in self.last_page_strings:
            return paginator.num_pages
        return number
