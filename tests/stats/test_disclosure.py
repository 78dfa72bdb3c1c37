"""Disclosure control (baanbrekers.disclosure, DESIGN.md section 4), and the attack it must stand:
no small number can be recovered by subtracting shown figures, over pairs of periods or as the
region minus a municipality."""

import datetime
import itertools

import pytest
from django.test import override_settings

from baanbrekers import disclosure
from baanbrekers.disclosure import NOT_SHOWN, count_bounds, count_shown, derived_shown
from stats import services
from stats.selectors import Period, figures_compared, monthly

from .conftest import AS_OF, START

SMALL = "< 5"


def test_zero_stays_zero_one_to_four_is_fewer_than_five_and_the_rest_is_rounded_down():
    shown = [count_shown(n) for n in range(17)]
    assert shown == [0] + [SMALL] * 4 + [5] * 5 + [10] * 5 + [15, 15]


@pytest.mark.parametrize("n", range(60))
def test_bounds_are_the_inverse_of_what_is_shown(n):
    low, high = count_bounds(count_shown(n))
    assert low <= n <= high
    # Every value in the band is shown the same, and nothing outside it is.
    assert {count_shown(v) for v in range(low, high + 1)} == {count_shown(n)}
    assert count_shown(high + 1) != count_shown(n)


def test_shares_and_averages_need_a_denominator_of_ten():
    assert derived_shown(45, 9) == NOT_SHOWN
    assert derived_shown(45, 10) == 45
    assert derived_shown(None, 30) == NOT_SHOWN


def test_an_amount_per_person_follows_the_count_as_shown():
    # 12 people × € 1000 would give the 12 away; 10 × € 1000 says no more than "10".
    assert disclosure.amount_shown(12, 1000) == 10_000
    assert disclosure.amount_shown(3, 1000) == NOT_SHOWN
    assert disclosure.amount_shown(0, 1000) == NOT_SHOWN


@override_settings(DISCLOSURE_THRESHOLD=10, DISCLOSURE_ROUNDING=10, DISCLOSURE_MIN_DENOMINATOR=20)
def test_the_numbers_come_from_settings():
    assert [count_shown(n) for n in (0, 9, 10, 19, 20)] == [0, "< 10", 10, 10, 20]
    assert count_bounds("< 10") == (1, 9)
    assert derived_shown(50, 19) == NOT_SHOWN


# --- The difference attack --------------------------------------------------------------------
Interval = tuple[int, int]


def _meet(a: Interval, b: Interval) -> Interval:
    return max(a[0], b[0]), min(a[1], b[1])


def recovered(whole: Interval, part: Interval, rest: Interval) -> list[Interval]:
    """What someone learns from whole = part + rest, each known only as an interval (from what is
    shown, or from an earlier subtraction): each of the three narrowed by the other two."""
    whole2 = _meet(whole, (part[0] + rest[0], part[1] + rest[1]))
    part2 = _meet(part, (whole[0] - rest[1], whole[1] - rest[0]))
    rest2 = _meet(rest, (whole[0] - part[1], whole[1] - part[0]))
    return [whole2, part2, rest2]


def small_numbers_found(intervals: list[Interval]) -> list[int]:
    return [lo for lo, hi in intervals if lo == hi and 0 < lo < disclosure.threshold()]


def attack(series: list, bounds=count_bounds) -> list[tuple]:
    """``series[i][j]``: the figure shown for months i to j. For every pair of periods with the
    same start (i..j and i..k, k < j) subtract, and narrow with what is shown for k+1..j."""
    found = []
    n = len(series)
    for i in range(n):
        for k in range(i, n):
            for j in range(k + 1, n):
                whole, part, rest = (
                    bounds(series[i][j]),
                    bounds(series[i][k]),
                    bounds(series[k + 1][j]),
                )
                if small_numbers_found(recovered(whole, part, rest)):
                    found.append((i, k, j))
    return found


def rest_of_region(region: object, own: object) -> Interval:
    """The other municipalities together: the region minus one's own, never shown itself."""
    (r_lo, r_hi), (o_lo, o_hi) = count_bounds(region), count_bounds(own)
    return max(r_lo - o_hi, 0), r_hi - o_lo


def nearest(n: int) -> object:
    """The rule the attacker must beat, but with rounding to the nearest multiple of 5."""
    return 0 if n == 0 else SMALL if n < 5 else (n + 2) // 5 * 5


def nearest_bounds(shown: object) -> Interval:
    return (1, 4) if shown == SMALL else (0, 0) if shown == 0 else (max(shown - 2, 5), shown + 2)


def test_the_attacker_finds_what_rounding_to_the_nearest_multiple_would_give_away():
    """The attack is not toothless: with ordinary rounding (8 shows as 10), January to March
    "< 5" and January to April "10" make an April shown as "< 5" exactly 4."""
    months = [2, 2, 0, 4]  # January to April
    series = [[nearest(sum(months[i : j + 1])) for j in range(4)] for i in range(4)]
    assert series[0][2] == SMALL and series[0][3] == 10 and series[3][3] == SMALL
    assert (0, 2, 3) in attack(series, nearest_bounds)
    # The same months through the real rule: nothing.
    assert attack([[count_shown(sum(months[i : j + 1])) for j in range(4)] for i in range(4)]) == []


KEYS = [
    "visits_held",
    "visit_jobseekers",
    "clicks",
    "proposals",
    "placements_started",
    "jobs",
    "jobs_visit",
    "jobs_direct",
    "outflow",
    "buddy_pairs_started",
    "introductions",
]


def _month(n: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(
        START.year + (START.month - 1 + n) // 12, (START.month - 1 + n) % 12 + 1, 1
    )
    following = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)


@pytest.mark.django_db
def test_no_small_number_comes_out_of_subtracting_shown_figures(generated, heusden):
    """What an alderman of Heusden sees (Heusden and the region, from the one selector), for
    every period of whole months over the synthetic data: subtract every pair of periods with
    the same start and the region minus Heusden, and narrow by what is shown for the difference.
    Nothing small is pinned down."""
    services.figures_rebuild(as_of=AS_OF)
    months = 30
    shown = {
        key: ([[None] * months for _ in range(months)], [[None] * months for _ in range(months)])
        for key in KEYS
    }
    for i, j in itertools.combinations_with_replacement(range(months), 2):
        first, last = _month(i)[0], _month(j)[1]
        cells = figures_compared(first=first, last=last, municipalities=[heusden], keys=KEYS)
        for key in KEYS:
            shown[key][0][i][j], shown[key][1][i][j] = cells[key]
    per_month = [
        values for _m, values in monthly(Period(_month(0)[0], _month(months - 1)[1]), heusden)
    ]
    exact = {
        key: [
            [sum(m[key] for m in per_month[i : j + 1]) for j in range(months)]
            for i in range(months)
        ]
        for key in KEYS
    }

    everything = [
        v for key in KEYS for side in shown[key] for row in side for v in row if v is not None
    ]
    assert SMALL in everything and any(isinstance(v, int) and v >= 10 for v in everything)
    assert not [v for v in everything if isinstance(v, int) and v % 5]

    for key in KEYS:
        own, region = shown[key]
        assert attack(own) == [], key
        assert attack(region) == [], key
        # The region minus Heusden, for one period and between two periods.
        rests = [
            [rest_of_region(region[i][j], own[i][j]) if j >= i else None for j in range(months)]
            for i in range(months)
        ]
        for i in range(months):
            for j in range(i, months):
                assert not small_numbers_found([rests[i][j]]), (key, i, j)
        assert attack(rests, bounds=lambda interval: interval) == [], key

    # Ordinary rounding of the same exact figures would not have held (the attack has teeth
    # on this data too).
    leaks = [
        key
        for key in KEYS
        if attack(
            [[nearest(v) if v is not None else None for v in row] for row in exact[key]],
            nearest_bounds,
        )
    ]
    assert leaks
