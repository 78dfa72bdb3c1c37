from stats.suppression import HIDDEN, NOT_SHOWN, SMALL, protect, shown, shown_derived


def test_counts_of_one_to_four_are_shown_as_fewer_than_five():
    assert [shown(n) for n in range(7)] == [0, SMALL, SMALL, SMALL, SMALL, 5, 6]


def test_one_small_part_next_to_its_total_hides_the_next_smallest_part_too():
    cells = protect({"visit": 3, "placement": 12, "buddy": 40, "direct": 0}, 55)
    assert cells == {"visit": SMALL, "placement": HIDDEN, "buddy": 40, "direct": 0}


def test_two_small_parts_need_no_extra_hiding():
    assert protect({"a": 3, "b": 2, "c": 30}, 35) == {"a": SMALL, "b": SMALL, "c": 30}


def test_a_small_rest_of_the_region_hides_the_own_municipality():
    # Region 12, own municipality 10: the other municipalities together would be 2.
    assert protect({"heusden": 10}, 12) == {"heusden": HIDDEN}
    assert protect({"heusden": 10}, 40) == {"heusden": 10}


def test_without_a_total_only_small_cells_are_hidden():
    assert protect({"jan": 3, "feb": 9}) == {"jan": SMALL, "feb": 9}


def test_averages_and_amounts_over_few_people_are_not_shown():
    assert shown_derived(45, 4) == NOT_SHOWN
    assert shown_derived(45, 5) == 45
    assert shown_derived(None, 9) == NOT_SHOWN
