"""The base vocabulary of skills: loading ``data/vocabulary.json`` into the Skill table.

Used by the migration that introduced broader terms and synonyms (with the historical model) and
by ``seed_demo`` (with the real one). Loading only adds: a missing concept, a missing synonym, a
missing broader link, a field-of-work mark. It never removes what a coordinator changed in the
admin, so running it again is safe.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.db.models.functions import Lower

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.json"

_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=50_000)
def normalise(text: str) -> str:
    """A label as matching compares it: lower case, accents off, words only
    ('Cliënten-begeleiding' → 'clienten begeleiding')."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(plain))


def vocabulary_data() -> list[dict]:
    return json.loads(VOCABULARY_FILE.read_text("utf-8"))["concepts"]


def vocabulary_load(*, skill_model=None, concepts: list[dict] | None = None) -> int:
    """Adds the base vocabulary to the Skill table; returns how many concepts were new.

    ``skill_model`` is the Skill class to write with (a migration passes its historical model).
    """
    if skill_model is None:
        from .models import Skill as skill_model
    concepts = vocabulary_data() if concepts is None else concepts
    existing = {
        s.lname: s for s in skill_model.objects.annotate(lname=Lower("name")).order_by("pk")
    }
    created = 0
    by_name = {}
    for row in concepts:
        key = row["name"].lower()
        skill = existing.get(key)
        if skill is None:
            skill = skill_model.objects.create(name=row["name"])
            created += 1
        labels = list(skill.alt_labels or [])
        known = {label.lower() for label in labels}
        labels += [a for a in row.get("alt_labels", []) if a.lower() not in known]
        is_field = skill.is_field or bool(row.get("field"))
        if labels != list(skill.alt_labels or []) or is_field != skill.is_field:
            skill.alt_labels = labels
            skill.is_field = is_field
            skill.save(update_fields=["alt_labels", "is_field"])
        by_name[key] = skill
    Through = skill_model.broader.through
    links = set(Through.objects.values_list("from_skill_id", "to_skill_id"))
    new_links = []
    for row in concepts:
        child = by_name[row["name"].lower()]
        for parent_name in row.get("broader", []):
            parent = by_name.get(parent_name.lower()) or existing[parent_name.lower()]
            if (child.pk, parent.pk) not in links:
                links.add((child.pk, parent.pk))
                new_links.append(Through(from_skill_id=child.pk, to_skill_id=parent.pk))
    Through.objects.bulk_create(new_links)
    return created
