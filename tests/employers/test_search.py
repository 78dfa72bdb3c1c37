"""The employer list's free-text search: which employers a word finds, for a coordinator (the
whole country, answered from the indexes as sets) and a caseworker (their municipalities, each
row tested), and that both ways find the same employers."""

import pytest

from baanbrekers.services import skills_from_names
from employers.models import Employer, OpeningStatus
from employers.selectors import EmployerFilters, employer_search

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
