"""The one scorer: how well a person's skills and interests fit a company, and why, in words.

Everything here works from ids and names alone (no queries), so ranking can score thousands of
people and explain only the few it shows. A company is reduced to a ``CompanyProfile``; a
person's fit with it is a ``Fit``, which renders itself as the pipeline's one-line explanation
or as the list of reasons on a visit's invite suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baanbrekers.models import Skill
from employers.models import Employer, Opening

from .concepts import BROADER, EXACT, NARROWER, SYNONYM, Link, Vocabulary
from .themes import company_themes, theme_label
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


@dataclass(frozen=True)
class CompanyProfile:
    """What a company seeks, in the terms matching compares: the skill ids it seeks and values,
    the concepts its story names and its fields of work (themes), with the vocabulary that
    relates a person's words to these."""

    sought: frozenset[int]
    valued: frozenset[int]
    themes: frozenset[int]
    vocabulary: Vocabulary = field(compare=False, repr=False)
    sought_names: dict[int, str] = field(default_factory=dict, compare=False)
    named: frozenset[int] = frozenset()  # concepts the story names as whole words
    _links: dict[int, tuple[Link, ...]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def wanted(self) -> frozenset[int]:
        return self.sought | self.valued

    def links(self, skill_id: int) -> tuple[Link, ...]:
        """How a person's word relates to each word the company wants (only those it relates
        to), strongest first."""
        found = self._links.get(skill_id)
        if found is None:
            relate = self.vocabulary.relation
            found = tuple(
                sorted(
                    (
                        Link(wanted, rel)
                        for wanted in self.wanted
                        if (rel := relate(skill_id, wanted)) is not None
                    ),
                    key=lambda link: (-link.weight, link.wanted not in self.sought, link.wanted),
                )
            )
            self._links[skill_id] = found
        return found

    def mentions(self, skill_id: int) -> bool:
        return self.vocabulary.concept_of(skill_id) in self.named

    def themes_of(self, skill_id: int) -> frozenset[int]:
        return self.vocabulary.themes(skill_id) & self.themes

    def touches(self, skill_id: int) -> bool:
        """Whether a skill or hobby has anything to do with the company at all."""
        return bool(self.links(skill_id) or self.themes_of(skill_id) or self.mentions(skill_id))


def _company_texts(employer: Employer, opening: Opening | None = None) -> list[str]:
    texts = [
        employer.story_what,
        employer.story_passion,
        employer.story_culture,
        employer.story_values,
        employer.story_views,
    ]
    if employer.sector_id:
        texts.append(employer.sector.label)
    if opening is not None:
        texts += [opening.title, opening.description]
    return texts


def _profile(
    employer: Employer,
    opening: Opening | None,
    sought_skills: list[Skill],
    vocabulary: Vocabulary | None,
) -> CompanyProfile:
    vocabulary = vocabulary if vocabulary is not None else Vocabulary.load()
    valued = frozenset(s.pk for s in employer.valued_skills.all())
    sought = frozenset(s.pk for s in sought_skills)
    named = vocabulary.concepts_in(" \n ".join(t or "" for t in _company_texts(employer, opening)))
    return CompanyProfile(
        sought=sought,
        valued=valued,
        themes=company_themes(vocabulary, sought | valued, named),
        vocabulary=vocabulary,
        sought_names={s.pk: s.name for s in sought_skills},
        named=named,
    )


def company_profile(
    employer: Employer, opening: Opening | None = None, *, vocabulary: Vocabulary | None = None
) -> CompanyProfile:
    """A company as one opening shows it (its competences are sought), or without an opening
    only what it values. The M2Ms may come from ``prefetch_related`` caches (``competences``,
    ``employer__valued_skills``); pass ``vocabulary`` when profiling many companies at once."""
    sought = list(opening.competences.all()) if opening is not None else []
    return _profile(employer, opening, sought, vocabulary)


def employer_profile(employer: Employer, *, vocabulary: Vocabulary | None = None) -> CompanyProfile:
    """A company as a whole, as a visit sees it: the competences of all its open openings are
    sought, besides what it values and what its story says."""
    sought = list(
        Skill.objects.filter(
            openings__in=Opening.objects.open().filter(employer=employer)
        ).distinct()
    )
    return _profile(employer, None, sought, vocabulary)


def skill_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    return dict(Skill.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def relevant_skill_ids(company: CompanyProfile) -> set[int]:
    """Every skill that touches the company: related to what it wants (the same word, a
    synonym, a narrower or the direct broader term), in one of its fields, or named in its
    story. From the vocabulary in memory: no query."""
    return {pk for pk in company.vocabulary.names if company.touches(pk)} | set(company.wanted)


_RELATION_NOTES = {
    SYNONYM: gettext_lazy("synonym of %(name)s"),
    NARROWER: gettext_lazy("falls under %(name)s"),
    BROADER: gettext_lazy("broader than %(name)s"),
}


@dataclass(frozen=True)
class Fit:
    """One person's fit with one company: the score and what it is made of, so that each surface
    can say why in its own form. Rendered when shown, in the language of that moment."""

    score: int
    company: CompanyProfile
    names: Mapping[int, str]
    skills: frozenset[int]
    hobbies: frozenset[int]  # interests that are not also skills
    skill_themes: Mapping[int, frozenset[int]]
    hobby_themes: Mapping[int, frozenset[int]]
    distance_km: float | None = None
    max_travel_km: float | None = None
    hours: int | None = None
    clicked: bool = False

    def _name(self, skill_id: int) -> str:
        return self.names.get(skill_id) or self.company.vocabulary.names.get(skill_id, "")

    def _sorted(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=self._name)

    def _touches(self, skill_id: int, themes: Mapping[int, frozenset[int]]) -> bool:
        return bool(
            self.company.links(skill_id) or themes[skill_id] or self.company.mentions(skill_id)
        )

    def _word(self, skill_id: int, *, hobby: bool = False) -> str:
        """A person's word with what it is to the company: "fietsenmaker (synoniem van
        rijwielhersteller)", "koken (hobby)"; an exact match needs no note."""
        notes = [_("hobby")] if hobby else []
        links = self.company.links(skill_id)
        if links and links[0].relation != EXACT:
            wanted = self._name(links[0].wanted)
            notes.append(str(_RELATION_NOTES[links[0].relation]) % {"name": wanted})
        name = self._name(skill_id)
        return f"{name} ({', '.join(notes)})" if notes else name

    @property
    def gap(self) -> list[str]:
        """Competences sought that the person does not have yet, not even as a hobby, nor as a
        synonym or something more specific (the broader term alone leaves it in the gap)."""
        covered = {
            link.wanted
            for s in self.skills | self.hobbies
            for link in self.company.links(s)
            if link.relation != BROADER
        }
        missing = self.company.sought - covered
        return sorted(self.company.sought_names.get(s, "") for s in missing)

    @property
    def themes_reached(self) -> list[str]:
        reached = set().union(*self.skill_themes.values(), *self.hobby_themes.values())
        return sorted(theme_label(self.company.vocabulary, t) for t in reached)

    def explanation(self) -> str:
        """One plain line: what they do (skills first), the hobbies that count, where it leads,
        distance and hours ("koken, sleutelen aan brommers (hobby) → techniek; 6 km")."""
        matched = [s for s in self.skills if self._touches(s, self.skill_themes)]
        hobbies = [s for s in self.hobbies if self._touches(s, self.hobby_themes)]
        # When only a hobby fits, one of the person's own skills is named first for context.
        context = self._sorted(set(self.skills) - set(matched))[:1] if hobbies else []
        words = [self._word(s) for s in self._sorted(context + matched)]
        words += [self._word(s, hobby=True) for s in self._sorted(hobbies)]
        # Direct competence matches are named above; the arrow says which fields they lead to.
        reached = self.themes_reached
        parts = []
        if self.clicked:
            parts.append(_("click during a company visit"))
        if words:
            parts.append(", ".join(words) + (" → " + ", ".join(reached) if reached else ""))
        if self.distance_km is not None:
            parts.append(_("%(km)s km") % {"km": round(self.distance_km)})
        if self.hours is not None:
            parts.append(_("%(hours)s hours available") % {"hours": self.hours})
        return "; ".join(parts)

    def reasons(self) -> list[str]:
        """The same fit as a list of reasons, strongest first (a visit's invite suggestions)."""
        company = self.company

        def exact(s: int) -> bool:
            return any(link.relation == EXACT for link in company.links(s))

        asked_skills = [s for s in self.skills if exact(s)]
        asked_hobbies = [s for s in self.hobbies if exact(s)]
        related = [s for s in self.skills | self.hobbies if company.links(s) and not exact(s)]
        mentioned = [
            s for s in self.skills | self.hobbies if not company.links(s) and company.mentions(s)
        ]
        named = set(asked_skills) | set(asked_hobbies) | set(related) | set(mentioned)
        themed = {
            s: t
            for s, t in {**self.skill_themes, **self.hobby_themes}.items()
            if t and s not in named
        }
        reasons = []
        if self.clicked:
            reasons.append(_("click during a company visit"))
        if asked_skills:
            reasons.append(
                _("Skills the company asks for: %(names)s")
                % {"names": ", ".join(self._name(s) for s in self._sorted(asked_skills))}
            )
        if asked_hobbies:
            reasons.append(
                _("Interests and hobbies that fit: %(names)s")
                % {"names": ", ".join(self._name(s) for s in self._sorted(asked_hobbies))}
            )
        if related:
            words = [self._word(s, hobby=s in self.hobbies) for s in self._sorted(related)]
            reasons.append(
                _("Fits what the company asks for: %(names)s") % {"names": ", ".join(words)}
            )
        if mentioned:
            reasons.append(
                _("Mentioned in the company's story: %(names)s")
                % {"names": ", ".join(self._name(s) for s in self._sorted(mentioned))}
            )
        if themed:
            words = [
                self._name(s)
                if s in self.skills
                else _("%(name)s (hobby)") % {"name": self._name(s)}
                for s in self._sorted(themed)
            ]
            fields = sorted(
                {theme_label(company.vocabulary, t) for ts in themed.values() for t in ts}
            )
            reasons.append(
                _("Fits what the company does: %(names)s → %(fields)s")
                % {"names": ", ".join(words), "fields": ", ".join(fields)}
            )
        if self.distance_km is not None:
            reasons.append(
                _("Lives about %(km)s km away (travels up to %(max)s km)")
                % {"km": round(self.distance_km), "max": self.max_travel_km}
            )
        if self.hours is not None:
            reasons.append(_("%(hours)s hours available") % {"hours": self.hours})
        return reasons


def _points(
    company: CompanyProfile,
    skills: frozenset[int],
    hobbies: frozenset[int],
    skill_themes: Mapping[int, frozenset[int]],
    hobby_themes: Mapping[int, frozenset[int]],
    distance_km: float | None,
    max_travel_km: float | None,
) -> int:
    # Per wanted word, the best any of the person's words does for it: a skill fully, a hobby
    # for HOBBY_FACTOR, each times the weight of its relation (exact, synonym, narrower...).
    best: dict[int, float] = {}
    for ids, factor in ((skills, 1.0), (hobbies, HOBBY_FACTOR)):
        for s in ids:
            for link in company.links(s):
                value = factor * link.weight
                if value > best.get(link.wanted, 0.0):
                    best[link.wanted] = value

    def coverage(wanted: frozenset[int]) -> float:
        return sum(best.get(w, 0.0) for w in wanted) / len(wanted) if wanted else 0.0

    by_skill = set().union(*skill_themes.values())
    by_hobby = set().union(*hobby_themes.values()) - by_skill
    target = min(len(company.themes), THEMES_FOR_FULL_POINTS)
    theme_cover = (
        min(1.0, (len(by_skill) + HOBBY_THEME_FACTOR * len(by_hobby)) / target) if target else 0.0
    )
    score = (
        WEIGHT_SOUGHT * coverage(company.sought)
        + WEIGHT_VALUED * coverage(company.valued)
        + WEIGHT_THEMES * theme_cover
    )
    if distance_km is not None and max_travel_km:
        score += WEIGHT_DISTANCE * max(0.0, 1 - distance_km / max_travel_km)
    return round(min(score, 100))


def score_profile(
    *,
    company: CompanyProfile,
    skills: Iterable[int],
    interests: Iterable[int],
    names: Mapping[int, str] | None = None,
    distance_km: float | None,
    max_travel_km: float | None,
    hours: int | None = None,
    clicked: bool = False,
) -> Fit:
    """A person's fit with a company, scored 0–100, from ids alone (no queries).

    Competences sought and valued count by coverage: per competence the best of the person's
    words, weighted by how it relates (``weights.MATCH_*``: the same word, a synonym, something
    narrower, the direct broader term), a hobby for ``HOBBY_FACTOR``. Shared fields of work count
    up to ``THEMES_FOR_FULL_POINTS``, nearness within the person's own maximum; a click adds
    ``CLICK_BONUS`` (the caller knows about clicks: they are visits' data). ``names`` defaults to
    the vocabulary's."""
    skills = frozenset(skills)
    hobbies = frozenset(interests) - skills
    skill_themes = {s: company.themes_of(s) for s in skills}
    hobby_themes = {s: company.themes_of(s) for s in hobbies}
    score = _points(
        company, skills, hobbies, skill_themes, hobby_themes, distance_km, max_travel_km
    )
    if clicked:
        score = min(100, score + CLICK_BONUS)
    return Fit(
        score=score,
        company=company,
        names=names if names is not None else company.vocabulary.names,
        skills=skills,
        hobbies=hobbies,
        skill_themes=skill_themes,
        hobby_themes=hobby_themes,
        distance_km=distance_km,
        max_travel_km=max_travel_km,
        hours=hours,
        clicked=clicked,
    )
