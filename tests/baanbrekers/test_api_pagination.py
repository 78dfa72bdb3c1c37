"""The API's pages: the count is exact up to a cap and says so beyond it; every row stays
reachable through ``next`` (baanbrekers/api/pagination.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baanbrekers.api.pagination import PageNumbers
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/jobseekers/"


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 rows, counted up to 3."""
    monkeypatch.setattr(PageNumbers, "page_size", 2)
    monkeypatch.setattr(PageNumbers, "count_cap", 3)


@pytest.fixture
def seven(heusden):
    return [JobSeekerFactory(municipality=heusden) for _ in range(7)]


def _count_queries(sqls: list[str]) -> int:
    return sum(1 for sql in sqls if sql.lstrip().upper().startswith("SELECT COUNT("))


def test_a_list_over_the_cap_says_its_count_is_capped(client, coordinator, seven, small_pages):
    client.force_login(coordinator)
    body = client.get(API).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert len(body["results"]) == 2 and body["next"].endswith("?page=2")
    assert body["previous"] is None


def test_a_list_under_the_cap_has_its_exact_count(client, coordinator, heusden, small_pages):
    JobSeekerFactory.create_batch(3, municipality=heusden)
    client.force_login(coordinator)
    body = client.get(API).json()
    assert (body["count"], body["count_capped"]) == (3, False)


def test_every_row_is_reached_through_next_past_the_cap(client, coordinator, seven, small_pages):
    client.force_login(coordinator)
    seen, url, pages = [], API, 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 4 and sorted(seen) == sorted(p.pk for p in seven)
    # Every page says the same count, the last one too.
    assert (body["count"], body["count_capped"]) == (3, True)


def test_a_page_past_the_end_is_a_404(client, coordinator, seven, small_pages):
    client.force_login(coordinator)
    assert client.get(API, {"page": 5}).status_code == 404
    assert client.get(API, {"page": 0}).status_code == 404
    assert client.get(API, {"page": ""}).status_code == 404
    assert client.get(API, {"page": "x"}).status_code == 404


def test_page_last_is_the_last_page(client, coordinator, seven, small_pages):
    client.force_login(coordinator)
    body = client.get(API, {"page": "last"}).json()
    assert len(body["results"]) == 1 and body["next"] is None
    assert body["previous"].endswith("?page=3")


def test_a_page_that_is_not_full_needs_no_count_query(client, coordinator, heusden):
    JobSeekerFactory.create_batch(3, municipality=heusden)
    client.force_login(coordinator)
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(API).json()["count"] == 3
    assert _count_queries([q["sql"] for q in captured]) == 0


def test_a_full_page_counts_at_most_the_cap(client, coordinator, seven, small_pages):
    client.force_login(coordinator)
    client.get("/api/v1/me/")
    with CaptureQueriesContext(connection) as captured:
        client.get(API)
    (count,) = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(")]
    assert "LIMIT 4" in count


def test_the_schema_documents_the_capped_count(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    page = schema["components"]["schemas"]["PaginatedProposalList"]
    assert "count_capped" in page["required"]
    assert page["properties"]["count_capped"]["type"] == "boolean"
    assert "1000" in page["properties"]["count"]["description"]
