"""The postcode table answers the questions matching asks, offline."""

import pytest

from baanbrekers import geo


def test_kaatsheuvel_belongs_to_loon_op_zand():
    assert geo.municipality_code_for_postcode("5171 AB") == "GM0809"
    assert geo.area("5171ab").place == "Kaatsheuvel"


def test_pc4_accepts_the_forms_people_type():
    assert geo.pc4("5171 AB") == geo.pc4("5171ab") == geo.pc4("5171") == "5171"
    assert geo.pc4("") is None
    assert geo.pc4("ABCD") is None


def test_waalwijk_to_kaatsheuvel_is_a_short_bike_ride():
    assert geo.distance_km("5141 AA", "5171 AB") == pytest.approx(5.0, abs=3)
    assert geo.distance_km("5171 AB", "5141 AA") == geo.distance_km("5141 AA", "5171 AB")


def test_waalwijk_to_amsterdam_is_far():
    assert 60 < geo.distance_km("5141 AA", "1011 AB") < 95


def test_unknown_postcodes_give_none_not_a_guess():
    assert geo.coordinates("0000 AA") is None
    assert geo.distance_km("5171 AB", "1000 AA") is None
    assert geo.distance_km(None, "5171 AB") is None
    assert geo.municipality_code_for_postcode("nonsense") is None


def test_table_covers_the_country():
    assert len(geo.areas()) > 4000
    lat, lon = geo.coordinates("9711 AA")  # Groningen
    assert 53 < lat < 53.5 and 6.4 < lon < 6.7


def test_areas_within_km_contains_neighbours_and_their_distances():
    near = geo.areas_within_km("5171 AB", 10)
    assert near["5171"] == 0
    assert "5141" in near and near["5141"] == pytest.approx(geo.distance_km("5171", "5141"))
    assert "1011" not in near
    assert all(d <= 10 for d in near.values())
    assert geo.areas_within_km("0000", 10) == {}


def test_areas_in_municipality_are_the_real_ones():
    codes = [a.pc4 for a in geo.areas_in_municipality("GM0809")]
    assert "5171" in codes and "5175" in codes
    assert all(geo.municipality_code_for_postcode(c) == "GM0809" for c in codes)
    assert geo.areas_in_municipality("GM0000") == []
