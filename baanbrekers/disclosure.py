"""Disclosure control: how a count of people may appear outside the back office (DESIGN.md §4).

The one rule, for every surface that shows a count to an alderman or an employer (the dashboard
and its exports, the stats API, the digest, the pipeline page's figures, the portal's impact):

- 0 stays 0 (it says nothing about a person);
- 1 to ``DISCLOSURE_THRESHOLD - 1`` shows as "< 5";
- every other count is rounded *down* to a multiple of ``DISCLOSURE_ROUNDING`` (never below the
  threshold): "10" means 10 to 14;
- a share or an average is shown only over a denominator of at least
  ``DISCLOSURE_MIN_DENOMINATOR``, otherwise as "–".

Why rounding, and why down. Without rounding, a small number hides in a difference: the region
minus one's own municipality, or January to April minus January to March. Next to rounded
totals no part needs hiding any more (the old complementary suppression, the "x" cells, is gone):
every shown figure stands for a band of at least four values, so a difference of two shown
figures always leaves several possible values. Rounding to the *nearest* multiple is not enough
once the difference itself is shown too: "10" (8 to 12) minus "< 5" (1 to 4) is at least 4, so a
month shown as "< 5" between them would be exactly 4. With bands that all start on a multiple of
5 (1–4, 5–9, 10–14, ...) such edges never meet; tests/stats/test_disclosure.py performs that
attack over every pair of periods of synthetic data.

What is not closed: a total next to four or more parts whose bands all sit at the same edge of
it (four months each "< 5" in a period shown as "< 5" are 1 each). That was so before rounding
too; closing it needs random or controlled rounding, a choice for the region's privacy officer.

Staff in the back office (caseworkers, coordinators) see exact figures: they keep the files the
counts are made of. Which surface applies the rule is the caller's business; how is decided here.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

K = TypeVar("K", bound=Hashable)

# A derived figure (share, average, amount) that is not shown.
NOT_SHOWN = "–"

Shown = int | str


def threshold() -> int:
    return int(settings.DISCLOSURE_THRESHOLD)


def rounding() -> int:
    return max(int(settings.DISCLOSURE_ROUNDING), 1)


def min_denominator() -> int:
    return int(settings.DISCLOSURE_MIN_DENOMINATOR)


def small_label() -> str:
    """How a count of 1 to threshold - 1 appears: "< 5"."""
    return f"< {threshold()}"


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < threshold()


def count_shown(n: int) -> Shown:
    """A count of people as it may be shown outside the back office."""
    if n <= 0:
        return 0
    if n < threshold():
        return small_label()
    step = rounding()
    return max(n // step * step, threshold())


def counts_shown(counts: Mapping[K, int]) -> dict[K, Shown]:
    return {key: count_shown(n) for key, n in counts.items()}


def count_bounds(shown: Shown) -> tuple[int, int]:
    """What a shown count says about the true count: the lowest and highest it can be. The
    inverse of ``count_shown``; the disclosure tests attack the figures with it."""
    if shown == small_label():
        return 1, threshold() - 1
    if not isinstance(shown, int):
        raise ValueError(f"not a shown count: {shown!r}")
    if shown == 0:
        return 0, 0
    step = rounding()
    return shown, (shown // step + 1) * step - 1


def derived_shown(value, denominator: int):
    """A share or average over ``denominator`` people: shown only when the denominator is large
    enough (a share of 1 in 3 would describe people)."""
    if value is None or denominator < min_denominator():
        return NOT_SHOWN
    return value


def amount_shown(count: int, per_person: int):
    """An amount that is a count times a fixed sum (the benefit saved): computed from the count
    as shown, so that dividing it by the fixed sum gives no more than the shown count does."""
    shown = count_shown(count)
    if not isinstance(shown, int) or shown == 0:
        return NOT_SHOWN
    return shown * per_person


def legend() -> list[tuple[str, str]]:
    """The signs of a protected table, for its legend."""
    return [
        (
            small_label(),
            _("fewer than %(n)s: not shown so that no one can be recognised") % {"n": threshold()},
        ),
        (
            str(2 * rounding()),
            _(
                "other numbers are rounded down to a multiple of %(step)s: %(example)s means "
                "%(example)s to %(top)s"
            )
            % {"step": rounding(), "example": 2 * rounding(), "top": 3 * rounding() - 1},
        ),
        (
            NOT_SHOWN,
            _("not shown: based on fewer than %(n)s people") % {"n": min_denominator()},
        ),
    ]
