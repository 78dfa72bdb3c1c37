"""The score as the database can compute it, so that Python explains only the top of a ranking.

``scoring._points`` is the one definition of a score. At national scale tens of thousands of
people can pass the candidate filter of a dense region; scoring each of them in Python costs
about a second. This module restates the same sum for one company as a SQL expression over a
candidate's arrays of skill and interest ids, without any join per person:

- per competence the company wants, the best relation any of the person's words has to it is a
  ``CASE`` over array overlaps (``skill_ids && '{...}'``) with the word sets of each relation
  (the same word, a synonym, narrower, the direct broader term), a hobby at ``HOBBY_FACTOR``;
- the fields of work reached are counted per company theme with the same overlaps;
- nearness comes from the distance of the person's postcode area, joined once per query.

The word sets are taken from ``CompanyProfile.links`` and ``themes_of``, so the relations are
decided in one place (``concepts``) and this module only adds up. The expression equals the
unrounded score up to floating-point error; ``ranking`` uses it to *order* candidates and then
scores them exactly with ``scoring.score_profile`` until no one left can reach the last place
shown (``may_still_reach``). ``tests/matching/test_prerank.py`` checks that the top is the same
as scoring everyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .scoring import CompanyProfile
from .weights import (
    CLICK_BONUS,
    HOBBY_FACTOR,
    HOBBY_THEME_FACTOR,
    THEMES_FOR_FULL_POINTS,
    WEIGHT_DISTANCE,
    WEIGHT_SOUGHT,
    WEIGHT_THEMES,
    WEIGHT_VALUED,
)

# Floating-point sums in PostgreSQL and Python may differ in their last bits; a rounded score is
# at most half a point above its unrounded value. A candidate whose pre-score lies this far below
# the last score shown cannot reach it.
MARGIN = 1.0


def _overlaps(column: str, ids: Iterable[int], params: list) -> str:
    params.append(sorted(ids))
    return f"({column} && %s::bigint[])"


def score_expression(
    company: CompanyProfile,
    *,
    skills: str,
    interests: str,
    distance: str,
    max_travel: str,
    clicked: str,
    relevant: Iterable[int],
) -> tuple[str, list]:
    """SQL for a candidate's pre-score (0–100, plus the click bonus) and its parameters.

    ``skills`` and ``interests`` name bigint[] columns of the person's word ids, ``distance``
    a float column in km (NULL when unknown), ``max_travel`` their maximum, ``clicked`` a
    boolean expression. ``relevant`` are the skill ids that touch the company at all."""
    params: list = []
    # Each wanted word's share of the points: sought and valued competences count by coverage.
    share: dict[int, float] = defaultdict(float)
    for wanted in company.sought:
        share[wanted] += WEIGHT_SOUGHT / len(company.sought)
    for wanted in company.valued:
        share[wanted] += WEIGHT_VALUED / len(company.valued)
    # Per wanted word, the person's words by how much they cover it.
    by_weight: dict[int, dict[float, set[int]]] = defaultdict(lambda: defaultdict(set))
    themed: dict[int, set[int]] = defaultdict(set)
    for skill_id in relevant:
        for link in company.links(skill_id):
            by_weight[link.wanted][link.weight].add(skill_id)
        for theme in company.themes_of(skill_id):
            themed[theme].add(skill_id)

    def best(column: str, words: dict[float, set[int]]) -> str:
        cases = " ".join(
            f"WHEN {_overlaps(column, ids, params)} THEN {weight!r}"
            for weight, ids in sorted(words.items(), reverse=True)
        )
        return f"(CASE {cases} ELSE 0.0 END)"

    parts = []
    for wanted, points in sorted(share.items()):
        words = by_weight.get(wanted)
        if words:
            parts.append(
                f"{points!r} * GREATEST({best(skills, words)}, "
                f"{HOBBY_FACTOR!r} * {best(interests, words)})"
            )
    target = min(len(company.themes), THEMES_FOR_FULL_POINTS)
    if target and themed:
        # by skill + HOBBY_THEME_FACTOR * (reached - by skill), with each placeholder written
        # once: (1 - factor) * by skill + factor * reached.
        themes = sorted(themed)
        by_skill = " + ".join(f"{_overlaps(skills, themed[t], params)}::int" for t in themes)
        reached = " + ".join(
            f"({_overlaps(skills, themed[t], params)} OR "
            f"{_overlaps(interests, themed[t], params)})::int"
            for t in themes
        )
        parts.append(
            f"{WEIGHT_THEMES!r} * LEAST(1.0, ({1 - HOBBY_THEME_FACTOR!r} * ({by_skill}) + "
            f"{HOBBY_THEME_FACTOR!r} * ({reached})) / {float(target)!r})"
        )
    parts.append(
        f"(CASE WHEN {distance} IS NOT NULL AND {max_travel} > 0 THEN {WEIGHT_DISTANCE!r} * "
        f"GREATEST(0.0, 1.0 - {distance} / {max_travel}) ELSE 0.0 END)"
    )
    expression = (
        f"(LEAST(({' + '.join(parts)}), 100.0) + "
        f"CASE WHEN {clicked} THEN {float(CLICK_BONUS)!r} ELSE 0.0 END)"
    )
    return expression, params


def may_still_reach(pre_score: float, last_shown: int) -> bool:
    """Whether a candidate with this pre-score could still score ``last_shown`` or more (and so
    tie with or pass the last place of the list)."""
    return pre_score >= last_shown - MARGIN
