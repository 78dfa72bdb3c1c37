"""Small numbers are not shown: the one place that decides how a count appears.

Rule 1 (primary): a count of 1 to 4 appears as "< 5". Zero stays 0 (it says nothing about a
person); 5 and more appear as they are.

Rule 2 (secondary): where parts are shown next to their total (jobs by route with all jobs,
municipalities with the region, months with the period), one hidden part could be worked out by
subtraction. So when exactly one cell is small — counting the part of the total that is not
shown separately (the rest of the region, for an alderman who sees only their municipality) —
the smallest other non-zero part is hidden too, as "x". Two hidden cells can no longer be told
apart.

Rule 2 across views: a municipality's figure hidden as "x" in the comparison stays hidden
wherever that figure appears for the municipality (headline, funnel, details), and so do the
months and routes that would add up to it (stats.selectors.build_report applies this).
What is not closed: differences between two figures that are each shown, across levels the
tables do not put side by side, e.g. one month of a municipality against the same month of the
region (a municipality's months are shown when it is chosen as the area). Such a difference is a
count, never a record of a person; closing it fully needs rounding (e.g. to multiples of 5), a
policy choice for the region's privacy officer, left open here.

Derived figures follow their base: an average or share over fewer than 5 people, and the money
saved (outflow × months × benefit, from which the outflow follows), are not shown when their
base is small.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
SMALL = "< 5"
HIDDEN = "x"
NOT_SHOWN = "–"

K = TypeVar("K", bound=Hashable)

LEGEND = [
    (SMALL, _("fewer than 5: not shown so that no one can be recognised")),
    (HIDDEN, _("hidden, so that a small number elsewhere in the row cannot be worked out")),
    (NOT_SHOWN, _("not shown: based on fewer than 5 people")),
]


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < THRESHOLD


def shown(n: int) -> int | str:
    """A count as it may be shown: the count, or "< 5"."""
    return SMALL if is_small(n) else n


def shown_derived(value, base: int):
    """An average, share or amount computed from ``base`` people: hidden if the base is small."""
    if value is None or base < THRESHOLD:
        return NOT_SHOWN
    return value


def protect(parts: Mapping[K, int], total: int | None = None) -> dict[K, int | str]:
    """Parts as they may be shown next to ``total`` (rules 1 and 2)."""
    cells: dict[K, int | str] = {k: shown(v) for k, v in parts.items()}
    small = [k for k, v in parts.items() if is_small(v)]
    if total is None or is_small(total):
        # Without a total nothing can be subtracted; a total under 5 hides every part anyway.
        return cells
    rest = total - sum(parts.values())
    if len(small) + is_small(rest) == 1:
        others = sorted(
            (v, str(k), k) for k, v in parts.items() if k not in small and v >= THRESHOLD
        )
        if others:
            cells[others[0][2]] = HIDDEN
    return cells
