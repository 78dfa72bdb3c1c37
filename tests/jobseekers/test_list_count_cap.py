"""A broad search counts its matches up to a cap and says "1.000+" (issue 14, national scale)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from baanbrekers.listing import COUNT_CAP, CappedPaginator, paginate
from jobseekers.models import JobSeeker
from tests.jobseekers.factories import JobSeekerFactory

LIST = reverse("jobseekers:list")


def test_below_the_cap_the_count_is_exact():
    paginator = CappedPaginator(list(range(40)), 25, cap=50)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (40, False, 2)
    assert paginator.count_label == "40"


def test_beyond_the_cap_the_pages_stop_at_the_cap():
    paginator = CappedPaginator(list(range(1_500)), 25)
    assert paginator.capped and paginator.count == COUNT_CAP == 1_000
    assert paginator.num_pages == 40
    last = paginator.get_page(40)
    assert last.has_previous() and not last.has_next()
    assert paginator.get_page(41).number == 40  # a page past the cap is the last one
    assert len(last.object_list) == 25


def test_exactly_the_cap_is_not_capped():
    paginator = CappedPaginator(list(range(COUNT_CAP)), 25)
    with translation.override("nl"):  # not whatever language an earlier test left active
        assert not paginator.capped and paginator.count_label == "1.000"


@pytest.mark.parametrize(("language", "label"), [("nl", "1.000+"), ("en", "1,000+")])
def test_the_capped_count_is_written_in_the_readers_number_format(language, label):
    with translation.override(language):
        assert CappedPaginator(list(range(1_001)), 25).count_label == label


@pytest.mark.django_db
def test_the_count_query_reads_no_more_than_the_cap_plus_one(heusden):
    JobSeekerFactory.create_batch(3, municipality=heusden)
    request = RequestFactory().get("/", {"page": "1"})
    with CaptureQueriesContext(connection) as ctx:
        page = paginate(request, JobSeeker.objects.order_by("last_name"), cap=2)
    count_sql = ctx.captured_queries[0]["sql"]
    assert "COUNT(*)" in count_sql and "LIMIT 3" in count_sql and "ORDER BY" not in count_sql
    assert page.paginator.capped and page.paginator.count == 2


@pytest.mark.django_db
def test_without_a_cap_paginate_counts_everything(heusden):
    JobSeekerFactory.create_batch(3, municipality=heusden)
    request = RequestFactory().get("/")
    page = paginate(request, JobSeeker.objects.order_by("pk"))
    assert page.paginator.count == 3 and not hasattr(page.paginator, "capped")


@pytest.mark.django_db
def test_a_broad_list_says_how_far_it_counted_and_pages_up_to_the_cap(
    client, coordinator, heusden, monkeypatch
):
    monkeypatch.setattr("jobseekers.views.COUNT_CAP", 30)
    JobSeekerFactory.create_batch(35, municipality=heusden)
    client.force_login(coordinator)
    first = client.get(LIST)
    html = first.content.decode()
    assert "30+ resultaten" in html
    assert "Pagina 1 van 2" in html
    assert 'rel="next"' in html and "page=2" in html
    second = client.get(LIST, {"page": 2})
    html = second.content.decode()
    assert len(second.context["page"].object_list) == 5
    assert 'rel="prev"' in html and 'rel="next"' not in html


@pytest.mark.django_db
def test_a_list_within_the_cap_keeps_its_exact_count(client, caseworker_heusden, heusden_person):
    client.force_login(caseworker_heusden)
    html = client.get(LIST).content.decode()
    assert "1 resultaat" in html and "+" not in html.split("resultaat")[0][-10:]
