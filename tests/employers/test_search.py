"""The employer list's free-text search: which employers a word finds, for a coordinator (the
whole country, answered from the indexes as sets) and a caseworker (their municipalities, each
row tested), and that both ways find the same employers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baanbrekers import listing
from baanbrekers.services import skills_from_names
from employers.models import Employer, OpeningStatus
from employers.selectors import (
    EMPLOYER_SORTING,
    EmployerFilters,
    employer_rows,
    employer_search,
)

from .factories import EmployerFactory, OpeningFactory


@pytest.fixture
def employers(heusden, waalwijk):
    """Heusden: the bakery (values patience), the care group in Drunen (seeks welding in an open
    opening), the hairdresser in Drunen-Zuid. Waalwijk: the metal workshop (values welding), the
    welding firm with "Drunen" in its name, the garden firm whose welding opening is closed."""
    bakery = EmployerFactory(
        trade_name="Bakkerij De Korenschoof",
        kvk_number="11111111",
        postcode="5251 AB",
        city="Vlijmen",
        municipality=heusden,
    )
    bakery.valued_skills.set(skills_from_names(["Geduld"]))
    care = EmployerFactory(
        trade_name="Zorggroep Langstraat",
        kvk_number="33333333",
        postcode="5151 AB",
        city="Drunen",
        municipality=heusden,
    )
    OpeningFactory(employer=care, competences=["Lassen"])
    EmployerFactory(
        trade_name="Kapsalon Knipkunst",
        kvk_number="44444444",
        postcode="5152 CD",
        city="Drunen-Zuid",
        municipality=heusden,
    )
    metal = EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        kvk_number="22222222",
        postcode="5141 GD",
        city="Waalwijk",
        municipality=waalwijk,
    )
    metal.valued_skills.set(skills_from_names(["Lassen"]))
    EmployerFactory(
        trade_name="Lasbedrijf Drunen-Noord",
        kvk_number="22223333",
        postcode="5142 AA",
        city="Waalwijk",
        municipality=waalwijk,
    )
    garden = EmployerFactory(
        trade_name="Hoveniersbedrijf Groen",
        kvk_number="55555555",
        postcode="5143 BB",
        city="Sprang-Capelle",
        municipality=waalwijk,
    )
    OpeningFactory(employer=garden, competences=["Lassen"], status=OpeningStatus.CLOSED)


# (search, what a coordinator finds, what the caseworker of Heusden finds), in name order.
SEARCHES = [
    # Part of the trade name, in any case.
    ("korenschoof", ["Bakkerij De Korenschoof"], ["Bakkerij De Korenschoof"]),
    ("KORENS", ["Bakkerij De Korenschoof"], ["Bakkerij De Korenschoof"]),
    ("bedrijf", ["Hoveniersbedrijf Groen", "Lasbedrijf Drunen-Noord"], []),
    # The place as a whole ("Drunen", not "Drunen-Zuid"), or a trade name containing it.
    ("drunen", ["Lasbedrijf Drunen-Noord", "Zorggroep Langstraat"], ["Zorggroep Langstraat"]),
    ("Drunen-Zuid", ["Kapsalon Knipkunst"], ["Kapsalon Knipkunst"]),
    # A competence valued, or sought in an OPEN opening (the garden firm's is closed).
    ("lassen", ["Metaalwerkplaats Van Dongen", "Zorggroep Langstraat"], ["Zorggroep Langstraat"]),
    ("geduld", ["Bakkerij De Korenschoof"], ["Bakkerij De Korenschoof"]),
    # The KvK number's start, the postcode's start (spaces and case ignored).
    ("2222", ["Lasbedrijf Drunen-Noord", "Metaalwerkplaats Van Dongen"], []),
    ("33333333", ["Zorggroep Langstraat"], ["Zorggroep Langstraat"]),
    ("5251ab", ["Bakkerij De Korenschoof"], ["Bakkerij De Korenschoof"]),
    ("5151", ["Zorggroep Langstraat"], ["Zorggroep Langstraat"]),
    # Shorter than a trigram: tested per row for everyone.
    # (the bakery values "Geduld", the workshop is "Van Dongen").
    ("ge", ["Bakkerij De Korenschoof", "Metaalwerkplaats Van Dongen"], ["Bakkerij De Korenschoof"]),
    ("nothing like it", [], []),
]


def _found(client, user, text: str) -> list[str]:
    client.force_login(user)
    response = client.get("/employers/", {"q": text})
    assert response.status_code == 200
    return [row["name"] for row in response.context["rows"]]


@pytest.mark.parametrize(("text", "everywhere", "in_heusden"), SEARCHES)
def test_search_finds_by_trade_name_place_skill_kvk_and_postcode(
    client, coordinator, caseworker_heusden, employers, text, everywhere, in_heusden
):
    assert _found(client, coordinator, text) == everywhere
    # The caseworker finds the same, within the municipalities they see.
    assert _found(client, caseworker_heusden, text) == in_heusden


@pytest.mark.parametrize("text", [text for text, _everywhere, _heusden in SEARCHES])
def test_coordinators_sets_and_per_row_search_find_the_same(coordinator, employers, text):
    """The coordinator's search is answered from the indexes as sets, a search without a user
    (the API) row by row: the same employers either way."""
    scope = Employer.objects.visible_to(coordinator)
    filters = EmployerFilters(q=text)
    as_sets = employer_search(scope, filters, user=coordinator)
    per_row = employer_search(scope, filters)
    assert set(as_sets.values_list("pk", flat=True)) == set(per_row.values_list("pk", flat=True))


# A window of the list smaller than the list, so that the coordinator's search answers some
# words from it and falls back to the set for others (``FirstRowsOfSearch``).
WINDOWS = [1, 2, 1_000]
SLICES = [(0, 1), (0, 2), (1, 3), (2, 4), (0, 25), (3, 25)]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("text", [text for text, _everywhere, _heusden in SEARCHES])
def test_coordinators_window_and_set_give_the_rows_of_the_per_row_test_in_order(
    monkeypatch, coordinator, employers, text, window
):
    """Whether the window of the list fills the page or the set is read, every page, count and
    order is what testing every row gives (the API's way, without a user)."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", window)
    scope = Employer.objects.visible_to(coordinator)
    filters = EmployerFilters(q=text)
    for sort in ("name", "-name", "municipality", "openings"):
        searched, _key = EMPLOYER_SORTING.apply(
            employer_rows(employer_search(scope, filters, user=coordinator)), sort
        )
        tested, _key = EMPLOYER_SORTING.apply(employer_rows(employer_search(scope, filters)), sort)
        expected = list(tested.values_list("pk", flat=True))
        assert list(searched.values_list("pk", flat=True)) == expected
        for start, stop in SLICES:
            assert (
                list(searched[start:stop].values_list("pk", flat=True)) == (expected[start:stop])
            ), (sort, start, stop)
        for cap in (1, 2, 3, 25):
            assert searched.order_by()[:cap].count() == min(cap, len(expected))
        assert searched.exists() == bool(expected)


def test_coordinators_search_with_other_filters_reads_its_window_from_the_filtered_list(
    monkeypatch, coordinator, employers, waalwijk
):
    """The window is the list as narrowed by the other filters: the two Waalwijk employers
    with "bedrijf" in their name are the first two rows of Waalwijk's list."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 2)
    filters = EmployerFilters(q="bedrijf", municipality=waalwijk.pk)
    searched, _key = EMPLOYER_SORTING.apply(
        employer_search(Employer.objects.visible_to(coordinator), filters, user=coordinator), ""
    )
    names = ["Hoveniersbedrijf Groen", "Lasbedrijf Drunen-Noord"]
    assert [e.trade_name for e in searched[:1]] == names[:1]
    assert [e.trade_name for e in searched[1:2]] == names[1:]
    assert searched.order_by()[:3].count() == 2


def test_coordinators_search_runs_as_many_queries_from_the_window_as_from_the_set(
    monkeypatch, client, coordinator, employers
):
    """One statement per page either way: a word the window answers ("bakkerij", the first
    row) and one it does not ("zorggroep", the last) cost the same number of queries."""
    monkeypatch.setattr(listing, "SEARCH_WINDOW", 1)
    client.force_login(coordinator)
    client.get("/employers/")  # what a first request reads once (session, vocabulary)
    counts = []
    for text in ("bakkerij", "zorggroep"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/employers/", {"q": text})
        assert [row["name"] for row in response.context["rows"]] == [
            {"bakkerij": "Bakkerij De Korenschoof", "zorggroep": "Zorggroep Langstraat"}[text]
        ]
        counts.append(len(queries))
    assert counts[0] == counts[1]
