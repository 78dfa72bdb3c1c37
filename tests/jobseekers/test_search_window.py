"""The coordinator's search over the whole country reads a window of the list in its order and
falls back to the indexes' sets only when the window does not fill the page
(``baanbrekers.listing.FirstRowsOfSearch``): either way, the same rows in the same order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from baanbrekers import listing
from jobseekers.models import JobSeeker
from jobseekers.selectors import JobSeekerFilters, jobseeker_list, jobseeker_list_page
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("jobseekers:list")


@pytest.fixture
def people(heusden, waalwijk):
    """Two Bakkers, someone who bakes bread as an interest, someone with the skill, others."""
    return {
        "anouk": JobSeekerFactory(
            first_name="Anouk", last_name="Bakker", municipality=heusden, skills=["lassen"]
        ),
        "sander": JobSeekerFactory(
            first_name="Sander", last_name="Bakker", municipality=waalwijk, status="working"
        ),
        "piet": JobSeekerFactory(
            first_name="Piet",
            last_name="de Vries",
            municipality=heusden,
            interests=["brood bakken"],
        ),
        "kees": JobSeekerFactory(
            first_name="Kees", last_name="Smit", municipality=waalwijk, skills=["koken"]
        ),
        "ans": JobSeekerFactory(
            first_name="Ans", last_name="Zomer", municipality=heusden, skills=["bakken"]
        ),
        "dewi": JobSeekerFactory(first_name="Dewi", last_name="Jansen", municipality=waalwijk),
    }


# (search, other filters, who it finds). Names, skills and interests; two letters ("an", "de")
# are tested per row only; several words must each match.
SEARCHES = [
    ("bakke", {}, {"anouk", "sander", "piet", "ans"}),
    ("BAKKER", {}, {"anouk", "sander"}),
    ("an bakker", {}, {"anouk", "sander"}),
    ("koken", {}, {"kees"}),
    ("zomer", {}, {"ans"}),
    ("de", {}, {"sander", "piet", "dewi"}),
    ("bakke", {"status": "active"}, {"anouk", "piet", "ans"}),
    ("nothing like it", {}, set()),
]
WINDOWS = [1, 2, 1_000]
SORTS = ["name", "-name", "postcode", "-updated", "municipality"]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize(("text", "other", "found"), SEARCHES)
def test_coordinators_search_gives_every_page_and_count_in_the_lists_order(
    monkeypatch, coordinator, people, window, text, other, found
):
    monkeypatch.setattr(listing, "SEARCH_WINDOW", window)
    filters = JobSeekerFilters(q=text, **other)
    wanted = JobSeeker.objects.filter(pk__in=[people[name].pk for name in found])
    for sort in SORTS:
        searched, key = jobseeker_list(user=coordinator, filters=filters, sort=sort)
        assert key == sort
        expected = list(listing_order(wanted, sort).values_list("first_name", flat=True))
        assert list(searched.values_list("first_name", flat=True)) == expected
        for start, stop in [(0, 1), (0, 2), (1, 3), (2, 4), (0, 25), (3, 25)]:
            assert (
                list(searched[start:stop].values_list("first_name", flat=True))
                == (expected[start:stop])
            ), (sort, start, stop)
        # Reversed (as .last() does): the last rows, not the first ones turned round.
        reversed_names = list(searched.reverse()[:2].values_list("first_name", flat=True))
        assert reversed_names == expected[::-1][:2], sort
        for cap in (1, 2, 3, 25):
            assert searched.order_by()[:cap].count() == min(cap, len(expected))
        assert searched.exists() == bool(expected)


def listing_order(qs, sort):
    from jobseekers.selectors import SORTING

    return SORTING.apply(qs, sort)[0]


def test_the_page_queryset_finds_the_same_as_the_list(monkeypatch, coordinator, people):
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 2)
    filters = JobSeekerFilters(q="bakke")
    page, _key = jobseeker_list_page(user=coordinator, filters=filters)
    rows, _key = jobseeker_list(user=coordinator, filters=filters)
    assert [p.pk for p in page[:3]] == [p.pk for p in rows[:3]]


def test_coordinators_search_runs_as_many_queries_from_the_window_as_from_the_set(
    monkeypatch, client, coordinator, people
):
    """A word the window answers ("bakker": the first rows) and one it does not ("zomer": the
    last) cost the same number of queries: one statement for the rows either way."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 1)
    client.force_login(coordinator)
    client.get(LIST)  # what a first request reads once
    counts = []
    for text, first_name in (("bakker", "Anouk"), ("zomer", "Ans")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"q": text})
        assert response.context["page"].object_list[0].first_name == first_name
        counts.append(len(queries))
    assert counts[0] == counts[1]
