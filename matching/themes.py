"""Themes: the fields of work that tie a person's words to a company's ("sleutelen aan brommers"
and a workshop seeking "technisch inzicht" both lie under "techniek").

A theme is a concept of the vocabulary marked as a field of work; a word has the themes of the
fields above it (``concepts.Vocabulary``). A company has the themes of what it seeks and values
and of the concepts its story and sector name as whole words, never of word fragments: that a
story says "begeleiding" or "we zorgen voor" does not make a bicycle workshop a care company.
"""

from __future__ import annotations

from collections.abc import Iterable

from .concepts import Vocabulary


def company_themes(
    vocabulary: Vocabulary, wanted: Iterable[int], named: Iterable[int]
) -> frozenset[int]:
    """The fields a company works in: those of the skills it wants (ids) and of the concepts its
    texts name (concept ids)."""
    themes: set[int] = set()
    for skill_id in wanted:
        themes |= vocabulary.themes(skill_id)
    for concept in named:
        themes |= vocabulary.themes_of_concept(concept)
    return frozenset(themes)


def theme_label(vocabulary: Vocabulary, theme: int) -> str:
    return vocabulary.label(theme)
