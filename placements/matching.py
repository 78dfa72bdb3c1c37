"""Matching, explained: who fits an opening, and which companies fit a job seeker.

How it works, in two steps so that it stays fast at national scale:

1. The database filters. Only job seekers who are active, have enough hours, stand on a fitting
   step of the participation ladder and live within *their own* maximum travel distance of the
   work location come back, each with their skill ids and whether they consent today to sharing
   an anonymised profile. The distance test is done on the first four digits of the postcode
   against the offline postcode table (``baanbrekers.geo``), in distance bands, and made exact
   in Python afterwards.
2. Python drops those without consent or without any skill or interest that touches what the
   company seeks (directly or by theme), and scores the rest: direct competences sought (a
   skill counts fully, a hobby for 0.6), competences the employer values, and *themes* shared
   with the company story (a cook who tinkers with mopeds has the theme "technical" through a
   hobby; a technical company has it through its story and competences). A click with the
   company during a visit (``visits.Click``) adds a bonus. Only the top of the list is
   explained: a plain Dutch explanation ("koken, sleutelen aan brommers (hobby) → techniek;
   6 km; 24 uur beschikbaar") and the gap: the competences sought that the person lacks yet.

``benchmarks/matching.py`` measures step 1 and 2 against 100,000 synthetic job seekers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from baanbrekers import geo
from baanbrekers.models import Skill
from employers.models import Employer, EmployerStatus, Opening, OpeningKind, OpeningStatus
from jobseekers.models import Consent, ConsentKind, JobSeeker, JobSeekerStatus
from visits.models import Click

# Which steps of the participation ladder (1 isolated … 6 paid work) fit which kind of opening.
LADDER_STEPS_BY_KIND = {
    OpeningKind.VACANCY: (4, 5, 6),
    OpeningKind.PLACEMENT: (2, 3, 4, 5),
    OpeningKind.BUDDY: (1, 2, 3, 4, 5),
    OpeningKind.VISIT_HOST: (2, 3, 4, 5, 6),
}

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

# Distances are tested in SQL per band: a person in a band is kept when their own maximum
# reaches the band's lower edge; Python then makes it exact. Bands keep the SQL small.
DISTANCE_BANDS_KM = (0, 3, 6, 10, 15, 20, 30, 40, 60, 80, 120, 200)
MAX_SEARCH_KM = DISTANCE_BANDS_KM[-1]
_FOUR_DIGITS = re.compile(r"[1-9][0-9]{3}")

WEIGHT_SOUGHT = 45
WEIGHT_VALUED = 15
WEIGHT_THEMES = 30
WEIGHT_DISTANCE = 10
HOBBY_FACTOR = 0.6
# Without an opening there are no competences sought, so scores run lower.
MIN_VISIT_SCORE = 10
CLICK_BONUS = 15


@lru_cache(maxsize=20_000)
def themes_of(text: str) -> frozenset[str]:
    """Theme keys a piece of text touches ('sleutelen aan brommers' → {'technical'})."""
    return frozenset(key for key, pattern in _THEME_PATTERNS.items() if pattern.search(text or ""))


def theme_label(key: str) -> str:
    return str(THEMES[key][0])


@dataclass(frozen=True)
class CompanyProfile:
    """What a company seeks, in the terms matching compares: skill ids and themes."""

    sought: frozenset[int]
    valued: frozenset[int]
    themes: frozenset[str]
    sought_names: dict[int, str] = field(default_factory=dict, compare=False)


@dataclass
class Match:
    """One ranked result: a job seeker for an opening, or an opening/employer for a job seeker."""

    score: int
    explanation: str
    gap: list[str]
    distance_km: float | None
    hours_available: int | None = None
    jobseeker: JobSeeker | None = None
    opening: Opening | None = None
    employer: Employer | None = None
    already_proposed: bool = False

    @property
    def jobseeker_id(self):
        return self.jobseeker.pk if self.jobseeker else None


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


def company_profile(
    employer: Employer, opening: Opening | None = None, *, prefetched: bool = False
) -> CompanyProfile:
    """Skill ids and themes of a company (and its opening). With ``prefetched`` the M2Ms come
    from ``prefetch_related`` caches (``competences``, ``employer__valued_skills``)."""
    sought_skills = list(opening.competences.all()) if opening is not None else []
    valued_skills = list(employer.valued_skills.all())
    themes: set[str] = set()
    for text in _company_texts(employer, opening):
        themes |= themes_of(text or "")
    for skill in sought_skills + valued_skills:
        themes |= themes_of(skill.name)
    return CompanyProfile(
        sought=frozenset(s.pk for s in sought_skills),
        valued=frozenset(s.pk for s in valued_skills),
        themes=frozenset(themes),
        sought_names={s.pk: s.name for s in sought_skills},
    )


def _skill_names(ids: Iterable[int]) -> dict[int, str]:
    ids = set(ids)
    return dict(Skill.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def score_profile(
    *,
    company: CompanyProfile,
    skills: Iterable[int],
    interests: Iterable[int],
    names: dict[int, str],
    distance_km: float | None,
    max_travel_km: float | None,
    hours: int | None = None,
    explain: bool = True,
) -> tuple[int, str, list[str]]:
    """Score 0–100, a plain Dutch explanation and the gap, from ids alone (no queries).

    With ``explain=False`` only the score is computed (explanation and gap empty): ranking
    scores everyone and explains only the few it shows."""
    skills, interests = set(skills), set(interests) - set(skills)
    hobby_only = interests

    def coverage(wanted: frozenset[int]) -> float:
        if not wanted:
            return 0.0
        got = len(wanted & skills) + HOBBY_FACTOR * len(wanted & hobby_only)
        return got / len(wanted)

    skill_themes = {s: themes_of(names.get(s, "")) & company.themes for s in skills}
    hobby_themes = {s: themes_of(names.get(s, "")) & company.themes for s in hobby_only}
    by_skill = set().union(*skill_themes.values()) if skill_themes else set()
    by_hobby = (set().union(*hobby_themes.values()) if hobby_themes else set()) - by_skill
    theme_target = min(len(company.themes), 2)
    theme_cover = (
        min(1.0, (len(by_skill) + 0.7 * len(by_hobby)) / theme_target) if theme_target else 0.0
    )
    wanted = company.sought | company.valued
    score = (
        WEIGHT_SOUGHT * coverage(company.sought)
        + WEIGHT_VALUED * coverage(company.valued)
        + WEIGHT_THEMES * theme_cover
    )
    if distance_km is not None and max_travel_km:
        score += WEIGHT_DISTANCE * max(0.0, 1 - distance_km / max_travel_km)
    if not explain:
        return round(min(score, 100)), "", []

    # Explanation: what they do (skills first), the hobbies that count, and where it leads.
    matched_skills = [s for s in skills if s in wanted or skill_themes[s]]
    matched_hobbies = [s for s in hobby_only if s in wanted or hobby_themes[s]]
    context = [s for s in skills if s not in matched_skills][:1] if matched_hobbies else []
    words = [
        names.get(s, "") for s in sorted(context + matched_skills, key=lambda s: names.get(s, ""))
    ]
    words += [
        _("%(name)s (hobby)") % {"name": names.get(s, "")}
        for s in sorted(matched_hobbies, key=lambda s: names.get(s, ""))
    ]
    # Direct competence matches are named above; the arrow says which fields they lead to.
    reached = [theme_label(t) for t in sorted(by_skill | by_hobby, key=theme_label)]
    parts = []
    if words:
        parts.append(", ".join(words) + (" → " + ", ".join(reached) if reached else ""))
    if distance_km is not None:
        parts.append(_("%(km)s km") % {"km": round(distance_km)})
    if hours is not None:
        parts.append(_("%(hours)s hours available") % {"hours": hours})
    gap = sorted(company.sought_names[s] for s in company.sought - skills - hobby_only)
    return round(min(score, 100)), "; ".join(parts), gap


def _any_of(field_name: str, codes: list[str]) -> Func:
    """``field = ANY('{5141,5142,...}'::text[])`` for postcode areas.

    The array is written into the SQL as a constant, not sent as thousands of parameters:
    PostgreSQL hashes a constant array once (a parameter array is searched row by row), and
    Django does not have to compile thousands of placeholders. Safe because every code comes
    from our own table and is checked to be exactly four digits.
    """
    if not all(_FOUR_DIGITS.fullmatch(c) for c in codes):
        raise ValueError("postcode areas must be four digits")
    literal = "'{" + ",".join(codes) + "}'::text[]"
    return Func(
        F(field_name),
        template=f"(%(expressions)s = ANY({literal}))",
        output_field=BooleanField(),
    )


def _distance_q(work_postcode: str, field_name: str = "pc4") -> Q | None:
    """Q for 'lives within their own travel distance' at band precision; None if unknown."""
    near = geo.areas_within_km(work_postcode, MAX_SEARCH_KM)
    if not near:
        return None
    condition = Q()
    edges = DISTANCE_BANDS_KM
    for low, high in zip(edges, edges[1:], strict=False):
        codes = [c for c, d in near.items() if (low < d <= high) or (low == 0 and d == 0)]
        if codes:
            condition |= Q(_any_of(field_name, codes), max_travel_km__gte=low)
    return condition


def relevant_skill_ids(company: CompanyProfile) -> set[int]:
    """Skills that touch the company: sought or valued ones, or any sharing one of its themes."""
    ids = set(company.sought | company.valued)
    if company.themes:
        for pk, name in Skill.objects.values_list("pk", "name").iterator(chunk_size=5000):
            if themes_of(name) & company.themes:
                ids.add(pk)
    return ids


def candidates_for_opening(opening: Opening, base: QuerySet | None = None) -> QuerySet:
    """Step 1 in SQL: the job seekers worth scoring for this opening, as value rows."""
    company = company_profile(opening.employer, opening)
    return _candidate_rows(opening, company, base)[0]


def _candidate_rows(opening: Opening, company: CompanyProfile, base: QuerySet | None):
    qs = (base if base is not None else JobSeeker.objects.all()).filter(
        status=JobSeekerStatus.ACTIVE,
        ladder_step__in=LADDER_STEPS_BY_KIND.get(opening.kind, (1, 2, 3, 4, 5, 6)),
    )
    if opening.hours_per_week:
        qs = qs.filter(hours_available__gte=opening.hours_per_week)
    qs = qs.annotate(pc4=Substr("postcode", 1, 4))
    distance = _distance_q(opening.work_postcode)
    if distance is None:
        return qs.none(), {}
    qs = qs.filter(distance)
    relevant = relevant_skill_ids(company)
    if not relevant:
        return qs.none(), {}
    skills_through = JobSeeker.skills.through
    interests_through = JobSeeker.interests.through
    # The consent test is a column, not a WHERE EXISTS: PostgreSQL would turn the latter into a
    # hash join over every consent in the country; as a column it is one index lookup per row
    # that passed the cheap filters above. Rows without consent are dropped right after.
    consent = Consent.objects.valid(ConsentKind.SHARE_PROFILE).filter(jobseeker=OuterRef("pk"))
    qs = qs.annotate(
        shares_profile=Exists(consent),
        skill_ids=ArraySubquery(
            skills_through.objects.filter(jobseeker_id=OuterRef("pk")).values("skill_id")
        ),
        interest_ids=ArraySubquery(
            interests_through.objects.filter(jobseeker_id=OuterRef("pk")).values("skill_id")
        ),
    ).values_list(
        "pk",
        "pc4",
        "max_travel_km",
        "hours_available",
        "skill_ids",
        "interest_ids",
        "shares_profile",
    )
    return qs.order_by(), relevant


def _clicked_with(employer: Employer) -> set[int]:
    """Job seekers who 'clicked' with this company during a visit (mutual interest noted in
    the visit report): a strong sign that deserves a place near the top."""
    return set(
        Click.objects.filter(visit__employer=employer).values_list("jobseeker_id", flat=True)
    )


def rank_jobseekers_for_opening(
    opening: Opening, *, base: QuerySet | None = None, limit: int = 50
) -> list[Match]:
    """The best-fitting job seekers for an opening, best first.

    ``base`` narrows the people considered (the user's visible job seekers). A fixed number of
    queries whatever the number of people: the vocabulary for themes, the candidates with their
    skill ids and consent, the skill names, the clicks, the top people and their proposals.
    Everyone left is scored; only the top ``limit`` are explained.
    """
    employer = opening.employer
    company = company_profile(employer, opening)
    rows, relevant = _candidate_rows(opening, company, base)
    work_area = geo.area(opening.work_postcode)
    scored = []
    all_ids: set[int] = set()
    with transaction.atomic():
        # The long postcode arrays make the planner's cost estimate high enough to switch on
        # JIT compilation, which costs more than the whole query; off for this one statement.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        fetched = list(rows)
    fetched = [row for row in fetched if row[6] and relevant.intersection(row[4] + row[5])]
    for row in fetched:
        all_ids.update(row[4])
        all_ids.update(row[5])
    names = _skill_names(all_ids | company.sought | company.valued)
    clicked = _clicked_with(employer)
    areas = geo.areas()
    for pk, pc4, max_travel, hours, skill_ids, interest_ids, _consent in fetched:
        home = areas.get(pc4)
        if home is None or work_area is None:
            continue
        d = geo.haversine_km(home.lat, home.lon, work_area.lat, work_area.lon)
        if d > max_travel:
            continue
        score, _text, _gap = score_profile(
            company=company,
            skills=skill_ids,
            interests=interest_ids,
            names=names,
            distance_km=d,
            max_travel_km=max_travel,
            explain=False,
        )
        if pk in clicked:
            score = min(100, score + CLICK_BONUS)
        scored.append(
            (pk, Match(score, "", [], d, hours, opening=opening), skill_ids, interest_ids)
        )
    scored.sort(key=lambda item: (-item[1].score, item[1].distance_km))
    top = scored[:limit]
    # Only the people shown are explained and loaded as objects.
    people = JobSeeker.objects.in_bulk([item[0] for item in top])
    proposed = set(
        opening.proposals.filter(jobseeker_id__in=list(people)).values_list(
            "jobseeker_id", flat=True
        )
    )
    for pk, match, skill_ids, interest_ids in top:
        _score, match.explanation, match.gap = score_profile(
            company=company,
            skills=skill_ids,
            interests=interest_ids,
            names=names,
            distance_km=match.distance_km,
            max_travel_km=people[pk].max_travel_km,
            hours=match.hours_available,
        )
        if pk in clicked:
            match.explanation = _("click during a company visit") + "; " + match.explanation
        match.jobseeker = people[pk]
        match.already_proposed = pk in proposed
    return [item[1] for item in top]


def rank_openings_for_jobseeker(
    jobseeker: JobSeeker, *, openings: QuerySet | None = None, limit: int = 20
) -> list[Match]:
    """Open openings within the job seeker's travel distance that fit their hours and ladder
    step, best first."""
    near = geo.areas_within_km(jobseeker.postcode, jobseeker.max_travel_km)
    if not near:
        return []
    kinds = [k for k, steps in LADDER_STEPS_BY_KIND.items() if jobseeker.ladder_step in steps]
    qs = (openings if openings is not None else Opening.objects.all()).filter(
        status=OpeningStatus.OPEN, kind__in=kinds
    )
    qs = qs.filter(
        Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=jobseeker.hours_available)
    )
    qs = qs.annotate(
        work_pc4=Substr(
            Coalesce(NullIf(F("location_postcode"), Value("")), F("employer__postcode")), 1, 4
        )
    ).filter(work_pc4__in=list(near))
    qs = qs.select_related("employer", "employer__sector").prefetch_related(
        "competences", "employer__valued_skills"
    )
    skills = set(jobseeker.skills.values_list("pk", flat=True))
    interests = set(jobseeker.interests.values_list("pk", flat=True))
    results = []
    openings_list = list(qs[:500])
    names = _skill_names(
        skills
        | interests
        | {s.pk for o in openings_list for s in o.competences.all()}
        | {s.pk for o in openings_list for s in o.employer.valued_skills.all()}
    )
    proposed = set(jobseeker.proposals.values_list("opening_id", flat=True))
    for opening in openings_list:
        company = company_profile(opening.employer, opening)
        d = near.get(opening.work_pc4)
        score, explanation, gap = score_profile(
            company=company,
            skills=skills,
            interests=interests,
            names=names,
            distance_km=d,
            max_travel_km=jobseeker.max_travel_km,
        )
        results.append(
            Match(
                score,
                explanation,
                gap,
                d,
                opening=opening,
                employer=opening.employer,
                already_proposed=opening.pk in proposed,
            )
        )
    results.sort(key=lambda m: (-m.score, m.distance_km or 0))
    return results[:limit]


def rank_employers_to_visit(
    jobseeker: JobSeeker, *, employers: QuerySet | None = None, limit: int = 10
) -> list[Match]:
    """Companies within reach whose story and valued competences fit the person: worth a visit,
    whether or not they have an opening now."""
    near = geo.areas_within_km(jobseeker.postcode, jobseeker.max_travel_km)
    if not near:
        return []
    qs = (employers if employers is not None else Employer.objects.all()).exclude(
        status=EmployerStatus.DORMANT
    )
    qs = (
        qs.annotate(pc4=Substr("postcode", 1, 4))
        .filter(pc4__in=list(near))
        .select_related("sector")
        .prefetch_related("valued_skills")
    )
    skills = set(jobseeker.skills.values_list("pk", flat=True))
    interests = set(jobseeker.interests.values_list("pk", flat=True))
    employers_list = list(qs[:500])
    names = _skill_names(
        skills | interests | {s.pk for e in employers_list for s in e.valued_skills.all()}
    )
    results = []
    for employer in employers_list:
        company = company_profile(employer)
        score, explanation, _gap = score_profile(
            company=company,
            skills=skills,
            interests=interests,
            names=names,
            distance_km=near.get(employer.pc4),
            max_travel_km=jobseeker.max_travel_km,
        )
        if score >= MIN_VISIT_SCORE:
            results.append(Match(score, explanation, [], near.get(employer.pc4), employer=employer))
    results.sort(key=lambda m: (-m.score, m.distance_km or 0))
    return results[:limit]
