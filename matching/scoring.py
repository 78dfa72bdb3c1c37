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

from baanbrekers.models import Skill
from employers.models import Employer, Opening

from .themes import phrases_of, theme_label, themes_of
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
    """What a company seeks, in the terms matching compares: skill ids, themes and the words of
    its story (a skill named there is "mentioned")."""

    sought: frozenset[int]
    valued: frozenset[int]
    themes: frozenset[str]
    sought_names: dict[int, str] = field(default_factory=dict, compare=False)
    phrases: frozenset[str] = frozenset()

    @property
    def wanted(self) -> frozenset[int]:
        return self.sought | self.valued

    def mentions(self, skill_name: str) -> bool:
        return bool(skill_name) and skill_name.lower() in self.phrases

    def touches(self, skill_id: int, skill_name: str) -> bool:
        """Whether a skill or hobby has anything to do with the company at all."""
        return (
            skill_id in self.wanted
            or bool(themes_of(skill_name) & self.themes)
            or self.mentions(skill_name)
        )


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
    employer: Employer, opening: Opening | None, sought_skills: list[Skill]
) -> CompanyProfile:
    valued_skills = list(employer.valued_skills.all())
    texts = _company_texts(employer, opening)
    themes: set[str] = set()
    for text in texts:
        themes |= themes_of(text or "")
    for skill in sought_skills + valued_skills:
        themes |= themes_of(skill.name)
    return CompanyProfile(
        sought=frozenset(s.pk for s in sought_skills),
        valued=frozenset(s.pk for s in valued_skills),
        themes=frozenset(themes),
        sought_names={s.pk: s.name for s in sought_skills},
        phrases=phrases_of(" \n ".join(t or "" for t in texts)),
    )


def company_profile(employer: Employer, opening: Opening | None = None) -> CompanyProfile:
    """A company as one opening shows it (its competences are sought), or without an opening
    only what it values. The M2Ms may come from ``prefetch_related`` caches (``competences``,
    ``employer__valued_skills``)."""
    sought = list(opening.competences.all()) if opening is not None else []
    return _profile(employer, opening, sought)


def employer_profile(employer: Employer) -> CompanyProfile:
    """A company as a whole, as a visit sees it: the competences of all its open openings are
    sought, besides what it values and what its story says."""
    sought = list(
        Skill.objects.filter(
            openings__in=Opening.objects.open().filter(employer=employer)
        ).distinct()
    )
    return _profile(employer, None, sought)


def skill_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    return dict(Skill.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def relevant_skill_ids(company: CompanyProfile) -> set[int]:
    """Every skill that touches the company: sought, valued, sharing a theme, or mentioned."""
    ids = set(company.wanted)
    if company.themes or company.phrases:
        for pk, name in Skill.objects.values_list("pk", "name").iterator(chunk_size=5000):
            if company.touches(pk, name):
                ids.add(pk)
    return ids


@dataclass(frozen=True)
class Fit:
    """One person's fit with one company: the score and what it is made of, so that each surface
    can say why in its own form. Rendered when shown, in the language of that moment."""

    score: int
    company: CompanyProfile
    names: Mapping[int, str]
    skills: frozenset[int]
    hobbies: frozenset[int]  # interests that are not also skills
    skill_themes: Mapping[int, frozenset[str]]
    hobby_themes: Mapping[int, frozenset[str]]
    distance_km: float | None = None
    max_travel_km: float | None = None
    hours: int | None = None
    clicked: bool = False

    def _name(self, skill_id: int) -> str:
        return self.names.get(skill_id, "")

    def _sorted(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=self._name)

    def _touches(self, skill_id: int, themes: Mapping[int, frozenset[str]]) -> bool:
        return (
            skill_id in self.company.wanted
            or bool(themes[skill_id])
            or self.company.mentions(self._name(skill_id))
        )

    @property
    def gap(self) -> list[str]:
        """Competences sought that the person does not have yet, not even as a hobby."""
        missing = self.company.sought - self.skills - self.hobbies
        return sorted(self.company.sought_names.get(s, "") for s in missing)

    @property
    def themes_reached(self) -> list[str]:
        reached = set().union(*self.skill_themes.values(), *self.hobby_themes.values())
        return sorted((theme_label(t) for t in reached), key=str)

    def explanation(self) -> str:
        """One plain line: what they do (skills first), the hobbies that count, where it leads,
        distance and hours ("koken, sleutelen aan brommers (hobby) → techniek; 6 km")."""
        matched = [s for s in self.skills if self._touches(s, self.skill_themes)]
        hobbies = [s for s in self.hobbies if self._touches(s, self.hobby_themes)]
        # When only a hobby fits, one of the person's own skills is named first for context.
        context = self._sorted(set(self.skills) - set(matched))[:1] if hobbies else []
        words = [self._name(s) for s in self._sorted(context + matched)]
        words += [_("%(name)s (hobby)") % {"name": self._name(s)} for s in self._sorted(hobbies)]
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
        wanted = self.company.wanted
        asked_skills = [s for s in self.skills if s in wanted]
        asked_hobbies = [s for s in self.hobbies if s in wanted]
        mentioned = [
            s
            for s in self.skills | self.hobbies
            if s not in wanted and self.company.mentions(self._name(s))
        ]
        named = set(asked_skills) | set(asked_hobbies) | set(mentioned)
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
            fields = sorted({theme_label(t) for ts in themed.values() for t in ts})
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


def _themes(
    company: CompanyProfile, ids: Iterable[int], names: Mapping[int, str]
) -> dict[int, frozenset[str]]:
    return {s: themes_of(names.get(s, "")) & company.themes for s in ids}


def _points(
    company: CompanyProfile,
    skills: frozenset[int],
    hobbies: frozenset[int],
    skill_themes: Mapping[int, frozenset[str]],
    hobby_themes: Mapping[int, frozenset[str]],
    distance_km: float | None,
    max_travel_km: float | None,
) -> int:
    def coverage(wanted: frozenset[int]) -> float:
        if not wanted:
            return 0.0
        got = len(wanted & skills) + HOBBY_FACTOR * len(wanted & hobbies)
        return got / len(wanted)

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
    names: Mapping[int, str],
    distance_km: float | None,
    max_travel_km: float | None,
    hours: int | None = None,
    clicked: bool = False,
) -> Fit:
    """A person's fit with a company, scored 0–100, from ids and names alone (no queries).

    Competences sought and valued count by coverage (a hobby for ``HOBBY_FACTOR``), shared themes
    up to ``THEMES_FOR_FULL_POINTS``, nearness within the person's own maximum; a click adds
    ``CLICK_BONUS`` (the caller knows about clicks: they are visits' data)."""
    skills = frozenset(skills)
    hobbies = frozenset(interests) - skills
    skill_themes = _themes(company, skills, names)
    hobby_themes = _themes(company, hobbies, names)
    score = _points(
        company, skills, hobbies, skill_themes, hobby_themes, distance_km, max_travel_km
    )
    if clicked:
        score = min(100, score + CLICK_BONUS)
    return Fit(
        score=score,
        company=company,
        names=names,
        skills=skills,
        hobbies=hobbies,
        skill_themes=skill_themes,
        hobby_themes=hobby_themes,
        distance_km=distance_km,
        max_travel_km=max_travel_km,
        hours=hours,
        clicked=clicked,
    )
