"""The skills vocabulary as matching sees it: concepts, their synonyms, broader and narrower terms,
and the fields of work (themes), read once per question in two queries and then used from memory.

A Skill row is a word someone typed or the vocabulary holds. Each row *stands for* a concept:
itself, or the concept that lists its name as a synonym ("rijwielhersteller" typed by a caseworker
stands for "fietsenmaker"). Two words relate as:

- ``exact``: the same row;
- ``synonym``: different rows for the same concept;
- ``narrower``: the person's concept lies under the wanted one (reachtruck rijden → heftruck rijden);
- ``broader``: the person's concept is the direct parent of the wanted one (zorg → ouderenzorg).

Words in a text (a company's story) are found as whole concepts only: a label's words in a row,
never the start of a longer word, so "begeleiding" or "we zorgen ervoor" mean nothing unless the
vocabulary has that very word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from baanbrekers.models import Skill
from baanbrekers.vocabulary import normalise

from .weights import MATCH_BROADER, MATCH_EXACT, MATCH_NARROWER, MATCH_SYNONYM

EXACT = "exact"
SYNONYM = "synonym"
NARROWER = "narrower"
BROADER = "broader"

RELATION_WEIGHTS = {
    EXACT: MATCH_EXACT,
    SYNONYM: MATCH_SYNONYM,
    NARROWER: MATCH_NARROWER,
    BROADER: MATCH_BROADER,
}


@dataclass(frozen=True)
class Link:
    """How one of a person's words relates to one word a company wants."""

    wanted: int
    relation: str

    @property
    def weight(self) -> float:
        return RELATION_WEIGHTS[self.relation]


@dataclass
class Vocabulary:
    names: dict[int, str]
    concept: dict[int, int]  # skill id → the concept it stands for
    broader: dict[int, frozenset[int]]  # concept → its direct broader concepts
    fields: frozenset[int]
    labels: dict[str, int]  # normalised name or synonym → concept
    longest_label: int = 1
    _ancestors: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[int, str, list[str], bool]],
        broader_links: Iterable[tuple[int, int]],
    ) -> Vocabulary:
        names: dict[int, str] = {}
        fields: set[int] = set()
        own: dict[str, int] = {}
        synonyms: dict[str, int] = {}
        for pk, name, alt_labels, is_field in sorted(rows):
            names[pk] = name
            if is_field:
                fields.add(pk)
            own.setdefault(normalise(name), pk)
            for label in alt_labels or ():
                synonyms.setdefault(normalise(label), pk)
        # A word that is another concept's synonym stands for that concept.
        concept = {}
        for pk, name in names.items():
            owner = synonyms.get(normalise(name))
            concept[pk] = owner if owner is not None and owner != pk else pk
        broader: dict[int, set[int]] = {}
        for child, parent in broader_links:
            broader.setdefault(concept.get(child, child), set()).add(concept.get(parent, parent))
        labels = {**{k: concept[v] for k, v in own.items()}, **synonyms}
        labels.pop("", None)
        return cls(
            names=names,
            concept=concept,
            broader={k: frozenset(v - {k}) for k, v in broader.items()},
            fields=frozenset(concept[f] for f in fields),
            labels=labels,
            longest_label=max((len(label.split()) for label in labels), default=1),
        )

    @classmethod
    def load(cls) -> Vocabulary:
        """The whole vocabulary in two queries."""
        rows = Skill.objects.order_by().values_list("pk", "name", "alt_labels", "is_field")
        links = Skill.broader.through.objects.values_list("from_skill_id", "to_skill_id")
        return cls.from_rows(rows.iterator(chunk_size=5000), list(links))

    def concept_of(self, skill_id: int) -> int:
        return self.concept.get(skill_id, skill_id)

    def ancestors(self, concept: int) -> frozenset[int]:
        """Every broader concept, at any distance (cycles are harmless)."""
        found = self._ancestors.get(concept)
        if found is None:
            seen: set[int] = set()
            todo = list(self.broader.get(concept, ()))
            while todo:
                c = todo.pop()
                if c not in seen and c != concept:
                    seen.add(c)
                    todo.extend(self.broader.get(c, ()))
            found = self._ancestors[concept] = frozenset(seen)
        return found

    def themes_of_concept(self, concept: int) -> frozenset[int]:
        """The fields of work a concept belongs to (itself, if it is one)."""
        return frozenset(c for c in self.ancestors(concept) | {concept} if c in self.fields)

    def themes(self, skill_id: int) -> frozenset[int]:
        return self.themes_of_concept(self.concept_of(skill_id))

    def relation(self, have: int, wanted: int) -> str | None:
        """How a person's word relates to a wanted word, or None."""
        if have == wanted:
            return EXACT
        mine, theirs = self.concept_of(have), self.concept_of(wanted)
        if mine == theirs:
            return SYNONYM
        if theirs in self.ancestors(mine):
            return NARROWER
        if mine in self.broader.get(theirs, ()):
            return BROADER
        return None

    def concepts_in(self, text: str) -> frozenset[int]:
        """The concepts a text names as whole words ('Wij repareren fietsen' names 'fietsen')."""
        words = normalise(text).split()
        found = set()
        for size in range(1, self.longest_label + 1):
            for start in range(len(words) - size + 1):
                c = self.labels.get(" ".join(words[start : start + size]))
                if c is not None:
                    found.add(c)
        return frozenset(found)

    def label(self, concept: int) -> str:
        return self.names.get(concept, "")
