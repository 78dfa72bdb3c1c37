"""Themes: the fields of work that tie the words people use for their skills and hobbies to the
words companies use in their story ("sleutelen aan brommers" and "wij repareren machines" both
touch "technical"), and the literal words of a story that a skill name can match."""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.translation import gettext_lazy

# Themes tie words people use for skills and hobbies to the words companies use in their story.
# Keywords match at the start of a word ("sleutel" finds "sleutelen aan brommers").
THEMES: dict[str, tuple[object, tuple[str, ...]]] = {
    "technical": (
        gettext_lazy("technical"),
        (
            "techni",
            "sleutel",
            "brommer",
            "scooter",
            "motor",
            "monteur",
            "montage",
            "lassen",
            "lasser",
            "metaal",
            "machine",
            "auto",
            "fietsenma",
            "fiets repar",
            "elektr",
            "installat",
            "onderhoud",
            "repar",
            "cnc",
            "draaien",
            "frezen",
            "solder",
            "klussen",
            "mechani",
            "werkplaats",
            "productie",
        ),
    ),
    "food": (
        gettext_lazy("food and hospitality"),
        (
            "kok",
            "koken",
            "kook",
            "keuken",
            "bakken",
            "bakker",
            "brood",
            "banket",
            "horeca",
            "bediening",
            "catering",
            "voeding",
            "restaurant",
            "lunch",
            "barista",
        ),
    ),
    "care": (
        gettext_lazy("care"),
        ("zorg", "verzorg", "ouderen", "kinderopvang", "begeleid", "welzijn", "verpleeg"),
    ),
    "logistics": (
        gettext_lazy("logistics"),
        (
            "logistiek",
            "magazijn",
            "orderpick",
            "heftruck",
            "reachtruck",
            "transport",
            "chauffeur",
            "bezorg",
            "inpak",
            "voorraad",
            "expeditie",
        ),
    ),
    "green": (
        gettext_lazy("green work"),
        ("tuin", "groen", "hovenier", "planten", "bloem", "kwekerij", "dieren", "natuur"),
    ),
    "construction": (
        gettext_lazy("construction"),
        (
            "bouwplaats",
            "bouwvak",
            "bouwkund",
            "aannem",
            "timmer",
            "metsel",
            "schilder",
            "stukad",
            "tegel",
            "dakdek",
            "hout",
        ),
    ),
    "ict": (
        gettext_lazy("IT"),
        ("computer", "ict", "programmer", "gamen", "website", "software", "digita", "netwerk"),
    ),
    "retail": (
        gettext_lazy("sales and customer contact"),
        ("verkoop", "winkel", "kassa", "klant", "retail", "balie", "gastvrij"),
    ),
    "cleaning": (gettext_lazy("cleaning"), ("schoonma", "poets", "reinig", "facilit")),
    "admin": (
        gettext_lazy("administration"),
        ("administrat", "boekhoud", "excel", "kantoor", "secretar", "archief"),
    ),
    "creative": (
        gettext_lazy("creative work"),
        ("teken", "ontwerp", "muziek", "fotogra", "naaien", "creatie", "creatief", "grafisch"),
    ),
}
_THEME_PATTERNS = {
    key: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in words) + ")", re.IGNORECASE)
    for key, (_label, words) in THEMES.items()
}
_WORD = re.compile(r"[\w'-]+", re.UNICODE)


@lru_cache(maxsize=20_000)
def themes_of(text: str) -> frozenset[str]:
    """Theme keys a piece of text touches ('sleutelen aan brommers' → {'technical'})."""
    return frozenset(key for key, pattern in _THEME_PATTERNS.items() if pattern.search(text or ""))


def theme_label(key: str) -> str:
    return str(THEMES[key][0])


def phrases_of(text: str) -> frozenset[str]:
    """Words and word pairs of a text, lower-cased: what a skill name ('koken', 'technisch
    inzicht') can literally match when a company's story mentions it."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    return frozenset(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
