"""Ranking: who fits an opening, whom to invite to a company visit, which openings and companies
fit a job seeker. Every question goes through the same candidate search and the same scorer.

The engine decides fit, never visibility: callers pass querysets that hold only what the user
may see (``base``, ``openings``, ``employers``).
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf, Substr

from baanbrekers import geo
from employers.models import Employer, EmployerStatus, Opening, OpeningStatus
from jobseekers.models import ConsentKind, JobSeeker

from . import prerank
from .concepts import Vocabulary
from .scoring import (
    CompanyProfile,
    Fit,
    company_profile,
    employer_profile,
    relevant_skill_ids,
    score_profile,
)
from .weights import (
    ALL_LADDER_STEPS,
    DISTANCE_BANDS_KM,
    LADDER_STEPS_BY_KIND,
    MAX_SEARCH_KM,
    MIN_VISIT_SCORE,
)

_FOUR_DIGITS = re.compile(r"[1-9][0-9]{3}")
# People scored exactly in Python per round, at least (four times the list shown otherwise); a
# next round, twice as big, only when someone left may still reach the last place shown.
FIRST_BATCH = 200


@dataclass
class Match:
    """One ranked result: a job seeker for an opening or a visit, or an opening/employer for a
    job seeker. ``explanation``, ``reasons`` and ``gap`` are rendered from the fit when read."""

    score: int
    distance_km: float | None
    fit: Fit | None = None
    hours_available: int | None = None
    jobseeker: JobSeeker | None = None
    opening: Opening | None = None
    employer: Employer | None = None
    already_proposed: bool = False

    @property
    def jobseeker_id(self) -> int | None:
        return self.jobseeker.pk if self.jobseeker else None

    @property
    def explanation(self) -> str:
        return self.fit.explanation() if self.fit else ""

    @property
    def reasons(self) -> list[str]:
        return self.fit.reasons() if self.fit else []

    @property
    def gap(self) -> list[str]:
        return self.fit.gap if self.fit else []


@dataclass(frozen=True)
class Search:
    """Whom to consider, from the caller's own inputs (an opening's or a visit's)."""

    work_postcode: str
    consent: str  # the kind of consent people must have given, in force today
    consent_until: datetime.date | None = None  # ... and still in force on this day
    min_hours: int | None = None
    ladder_steps: Collection[int] = ALL_LADDER_STEPS
    # A visit keeps people whose distance cannot be known (ranked after the rest); an opening
    # needs a known distance.
    keep_unknown_distance: bool = False
    # The pipeline names the hours a person has; a visit does not ask for any.
    show_hours: bool = False


# --- Step 1: the database filters --------------------------------------------------------------


def _codes_literal(codes: Collection[str]) -> str:
    """``'{5141,5142,...}'::text[]``: postcode areas as a constant array in the SQL.

    Written into the SQL, not sent as thousands of parameters: PostgreSQL hashes a constant
    array once (a parameter array is searched row by row), and Django does not have to compile
    thousands of placeholders. Safe because every code comes from our own table and is checked
    to be exactly four digits.
    """
    if not all(_FOUR_DIGITS.fullmatch(c) for c in codes):
        raise ValueError("postcode areas must be four digits")
    return "'{" + ",".join(codes) + "}'::text[]"


def _any_of(field_name: str, literal: str) -> Func:
    """``field = ANY(<literal>)`` for postcode areas (``_codes_literal``)."""
    return Func(
        F(field_name),
        template=f"(%(expressions)s = ANY({literal}))",
        output_field=BooleanField(),
    )


@lru_cache(maxsize=256)
def _bands(work_postcode: str) -> tuple[tuple[int, str], ...]:
    """The postcode areas within ``MAX_SEARCH_KM`` of a work place by distance band: (the band's
    lower edge, its areas as a literal), computed once per work place and process (the areas
    are a fixed table)."""
    near = geo.areas_within_km(work_postcode, MAX_SEARCH_KM)
    edges = DISTANCE_BANDS_KM
    # One pass: each area into its band (low, high], distance 0 into the first band.
    bands: dict[int, list[str]] = {}
    for code, d in near.items():
        band = max(bisect.bisect_left(edges, d) - 1, 0)
        if band < len(edges) - 1:
            bands.setdefault(band, []).append(code)
    return tuple((edges[band], _codes_literal(codes)) for band, codes in sorted(bands.items()))


@lru_cache(maxsize=1)
def _all_areas_literal() -> str:
    return _codes_literal(sorted(geo.areas()))


def _distance_q(
    work_postcode: str, *, keep_unknown: bool = False, field_name: str = "pc4"
) -> Q | None:
    """Q for 'lives within their own travel distance' at band precision. None when nobody can
    be near (unknown work place), unless unknown distances are kept."""
    bands = _bands(work_postcode)
    if not bands:
        return Q() if keep_unknown else None
    condition = Q()
    for low, literal in bands:
        condition |= Q(_any_of(field_name, literal), max_travel_km__gte=low)
    if keep_unknown:
        condition |= ~Q(_any_of(field_name, _all_areas_literal()))
    return condition


def _candidate_rows(search: Search, company: CompanyProfile, base: QuerySet | None):
    """The people the rule admits before their words and exact distance are looked at, as value
    rows (id, postcode area, maximum, hours, consent flag, last name), and the skill ids that
    make someone relevant: looking for work, ladder step, hours, within the distance bands."""
    qs = (
        (base if base is not None else JobSeeker.objects.all())
        .looking_for_work()
        .filter(ladder_step__in=list(search.ladder_steps))
    )
    if search.min_hours:
        qs = qs.filter(hours_available__gte=search.min_hours)
    qs = qs.annotate(pc4=Substr("postcode", 1, 4))
    distance = _distance_q(search.work_postcode, keep_unknown=search.keep_unknown_distance)
    if distance is None:
        return qs.none(), set()
    qs = qs.filter(distance)
    relevant = relevant_skill_ids(company)
    if not relevant:
        return qs.none(), set()
    qs = qs.with_consent_flag(search.consent, until=search.consent_until, name="consents_now")
    qs.query.annotations["consents_now"] = _per_row(qs.query.annotations["consents_now"])
    qs = qs.values_list(
        "pk", "pc4", "max_travel_km", "hours_available", "consents_now", "last_name"
    )
    return qs.order_by(), relevant


def _per_row(flag: Exists) -> Exists:
    """The consent flag of ``jobseekers`` (its own EXISTS, unchanged inside) as a scalar
    subquery: ``(SELECT 1 ... LIMIT 1) IS NOT NULL``.

    The test is a column of the people who passed the cheap filters, who are dropped right after
    when it is false. As an EXISTS, PostgreSQL may hash every consent in force in the country
    once (240,000 rows at national size, 0.4-0.7 s) instead of looking up the few thousand
    people near the opening (one index probe each, about 0.1 s): it does so whenever it expects
    more than a few thousand people, and the distance bands make it expect five times too many.
    A scalar subquery is never hashed."""
    scalar = flag.copy()
    scalar.template = "((%(subquery)s) IS NOT NULL)"
    return scalar


def _opening_search(opening: Opening) -> Search:
    return Search(
        work_postcode=opening.work_postcode,
        consent=ConsentKind.SHARE_PROFILE,
        min_hours=opening.hours_per_week,
        ladder_steps=LADDER_STEPS_BY_KIND.get(opening.kind, ALL_LADDER_STEPS),
        show_hours=True,
    )


def candidates_for_opening(opening: Opening, base: QuerySet | None = None) -> QuerySet:
    """Step 1 in SQL: the job seekers worth scoring for this opening (the cheap filters and a
    skill or interest that touches the company; consent not yet tested), as value rows. For
    figures (the benchmark's count); ``rank_jobseekers`` tests the words on the id arrays."""
    company = company_profile(opening.employer, opening)
    rows, relevant = _candidate_rows(_opening_search(opening), company, base)
    through = (JobSeeker.skills.through, JobSeeker.interests.through)
    touching = Q()
    for model in through:
        touching |= Exists(
            model.objects.filter(jobseeker_id=OuterRef("pk"), skill_id__in=sorted(relevant))
        )
    return rows.filter(touching)


# --- Step 2: score everyone left, explain the top ----------------------------------------------


@lru_cache(maxsize=256)
def _near_literal(work_postcode: str) -> str:
    """Two constant arrays, the postcode areas within ``MAX_SEARCH_KM`` of a work place and
    their distances, written into the SQL like ``_codes_literal`` (thousands of parameters cost
    more to send than the query to run); once per work place and process."""
    near = geo.areas_within_km(work_postcode, MAX_SEARCH_KM)
    kms = ",".join(repr(float(d)) for d in near.values())
    return f"{_codes_literal(list(near))}, '{{{kms}}}'::float8[]"


def _prescored_rows(
    rows: QuerySet, company: CompanyProfile, search: Search, relevant: set[int], clicked
) -> tuple[str, list]:
    """The candidate rows that consent, live within their own maximum and have a word touching
    the company, each with its id arrays and the pre-score the database computes (``prerank``),
    best first; LIMIT and OFFSET follow.

    Every step is per person of the cheap filters (``_candidate_rows``), so the work grows with
    the people near the opening, not with the country: the consent flag, then the exact
    distance, then the two id arrays (read from the ``(jobseeker_id, skill_id)`` indexes), then
    the touching test on those arrays. Reading the through tables by ``skill_id`` instead would
    visit every holder of a common word in the country."""
    inner, inner_params = rows.query.sql_with_params()
    skills_table = connection.ops.quote_name(JobSeeker.skills.through._meta.db_table)
    interests_table = connection.ops.quote_name(JobSeeker.interests.through._meta.db_table)
    score, score_params = prerank.score_expression(
        company,
        skills="p.skill_ids",
        interests="p.interest_ids",
        distance="p.km",
        max_travel="p.max_travel_km",
        clicked="p.pk = ANY(%s::bigint[])",
        relevant=relevant,
    )
    # "p.pk = ANY(...)" sits in the expression's last CASE: its parameter comes after the
    # score's own; the touching test's two arrays follow.
    sql = (
        # MATERIALIZED: the consent flag stays a column tested per row (not a join over every
        # consent), and each person's id arrays are built once, not once per use in the score.
        f"WITH c AS MATERIALIZED ({inner}), "
        "p AS MATERIALIZED ("
        "SELECT c.pk, c.pc4, c.max_travel_km, c.hours_available, c.last_name, n.km, "
        f"ARRAY(SELECT s.skill_id FROM {skills_table} s WHERE s.jobseeker_id = c.pk) "
        "AS skill_ids, "
        f"ARRAY(SELECT i.skill_id FROM {interests_table} i WHERE i.jobseeker_id = c.pk) "
        "AS interest_ids "
        f"FROM c LEFT JOIN unnest({_near_literal(search.work_postcode)}) AS n(pc4, km) "
        "ON n.pc4 = c.pc4 "
        "WHERE c.consents_now "
        # Band precision in the filter; the exact distance is tested here (and again in Python).
        "AND (n.km IS NULL OR n.km <= c.max_travel_km + 0.001)) "
        "SELECT p.pk, p.pc4, p.max_travel_km, p.hours_available, p.skill_ids, p.interest_ids, "
        f"p.last_name, p.km, {score} AS pre_score "
        "FROM p WHERE (p.skill_ids && %s::bigint[] OR p.interest_ids && %s::bigint[]) "
        "ORDER BY pre_score DESC, p.pk LIMIT %s OFFSET %s"
    )
    params = [
        *inner_params,
        *score_params,
        sorted(clicked),
        sorted(relevant),
        sorted(relevant),
    ]
    return sql, params


def score_candidate(
    company: CompanyProfile,
    search: Search,
    *,
    pc4: str,
    max_travel: int,
    hours: int,
    skill_ids: list[int],
    interest_ids: list[int],
    clicked: bool,
) -> Match | None:
    """One candidate row scored exactly, or None when the exact distance is beyond their own
    maximum (the SQL tested bands) or unknown where it must be known."""
    home = geo.areas().get(pc4)
    work_area = geo.area(search.work_postcode)
    if home is None or work_area is None:
        if not search.keep_unknown_distance:
            return None
        d = None
    else:
        d = geo.haversine_km(home.lat, home.lon, work_area.lat, work_area.lon)
        if d > max_travel:
            return None
    fit = score_profile(
        company=company,
        skills=skill_ids,
        interests=interest_ids,
        names=company.vocabulary.names,
        distance_km=d,
        max_travel_km=max_travel,
        hours=hours if search.show_hours else None,
        clicked=clicked,
    )
    return Match(fit.score, d, fit, hours)


def rank_jobseekers(
    *,
    company: CompanyProfile,
    search: Search,
    base: QuerySet | None = None,
    clicked: Collection[int] = frozenset(),
    limit: int = 50,
) -> list[Match]:
    """The best-fitting job seekers for a company, best first, each with their fit.

    The database filters the candidates and orders them by their pre-score (``prerank``: the
    same sum as ``scoring``, computed over id arrays); Python scores them exactly in that order,
    a batch at a time, until nobody left can reach the last place shown. So the result is the
    same as scoring every candidate, while Python scores a few hundred people, not tens of
    thousands. A fixed number of queries in practice (one batch, the top people; a rare second
    batch when many people tie around the last place). ``clicked`` holds the job seekers who
    clicked with the company during a visit.
    """
    rows, relevant = _candidate_rows(search, company, base)
    if not relevant:
        return []
    try:
        sql, params = _prescored_rows(rows, company, search, relevant, clicked)
    except EmptyResultSet:  # ``base`` holds nobody (a user who may see no one)
        return []
    scored: list[tuple[int, str, Match]] = []
    batch, offset = max(4 * limit, FIRST_BATCH), 0
    with transaction.atomic(), connection.cursor() as cursor:
        # The long postcode arrays make the planner's cost estimate high enough to switch on
        # JIT compilation, which costs more than the whole query; off for this one statement.
        cursor.execute("SET LOCAL jit = off")
        while True:
            cursor.execute(sql, [*params, batch, offset])
            fetched = cursor.fetchall()
            for pk, pc4, max_travel, hours, skill_ids, interest_ids, last_name, *_ in fetched:
                match = score_candidate(
                    company,
                    search,
                    pc4=pc4,
                    max_travel=max_travel,
                    hours=hours,
                    skill_ids=skill_ids,
                    interest_ids=interest_ids,
                    clicked=pk in clicked,
                )
                if match is not None:
                    scored.append((pk, last_name, match))
            if len(fetched) < batch:
                break
            if len(scored) >= limit:
                last_shown = sorted((m.score for _pk, _n, m in scored), reverse=True)[limit - 1]
                if not prerank.may_still_reach(fetched[-1][-1], last_shown):
                    break
            offset += batch
            batch *= 2
    # Unknown distances rank after known ones; at equal fit and distance, by name.
    scored.sort(
        key=lambda item: (
            -item[2].score,
            item[2].distance_km if item[2].distance_km is not None else float("inf"),
            item[1],
            item[0],
        )
    )
    top = scored[:limit]
    # Only the people shown are loaded as objects.
    people = JobSeeker.objects.in_bulk([pk for pk, _name, _match in top])
    for pk, _name, match in top:
        match.jobseeker = people[pk]
    return [match for _pk, _name, match in top]


def rank_jobseekers_for_opening(
    opening: Opening,
    *,
    base: QuerySet | None = None,
    clicked: Collection[int] = frozenset(),
    limit: int = 50,
) -> list[Match]:
    """The best-fitting job seekers for an opening, best first: active, consenting to share
    their profile, enough hours, a fitting ladder step, within their own travel distance.

    ``base`` narrows the people considered (the user's visible job seekers); ``clicked`` lifts
    those who clicked with the company during a visit.
    """
    matches = rank_jobseekers(
        company=company_profile(opening.employer, opening),
        search=_opening_search(opening),
        base=base,
        clicked=clicked,
        limit=limit,
    )
    proposed = set(
        opening.proposals.filter(jobseeker_id__in=[m.jobseeker_id for m in matches]).values_list(
            "jobseeker_id", flat=True
        )
    )
    for match in matches:
        match.opening = opening
        match.already_proposed = match.jobseeker_id in proposed
    return matches


def rank_jobseekers_to_invite(
    employer: Employer,
    *,
    on: datetime.date,
    base: QuerySet | None = None,
    clicked: Collection[int] = frozenset(),
    limit: int = 10,
) -> list[Match]:
    """Job seekers worth inviting to a visit of the company on a day, best first, with reasons.

    The same fit as for an opening, with the visit's own inputs: the company as a whole (what
    its open openings seek, what it values, what its story says), a consent to join visits that
    still holds on the day, no hours or ladder step asked, and people whose distance cannot be
    known are kept (ranked after the rest).
    """
    search = Search(
        work_postcode=employer.postcode,
        consent=ConsentKind.JOIN_VISITS,
        consent_until=on,
        keep_unknown_distance=True,
    )
    matches = rank_jobseekers(
        company=employer_profile(employer), search=search, base=base, clicked=clicked, limit=limit
    )
    for match in matches:
        match.employer = employer
    return matches


# --- The other way round: openings and companies for a job seeker ------------------------------


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
    openings_list = list(qs[:500])
    vocabulary = Vocabulary.load()
    proposed = set(jobseeker.proposals.values_list("opening_id", flat=True))
    results = []
    for opening in openings_list:
        d = near.get(opening.work_pc4)
        fit = score_profile(
            company=company_profile(opening.employer, opening, vocabulary=vocabulary),
            skills=skills,
            interests=interests,
            distance_km=d,
            max_travel_km=jobseeker.max_travel_km,
        )
        results.append(
            Match(
                fit.score,
                d,
                fit,
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
    vocabulary = Vocabulary.load()
    results = []
    for employer in employers_list:
        d = near.get(employer.pc4)
        fit = score_profile(
            company=company_profile(employer, vocabulary=vocabulary),
            skills=skills,
            interests=interests,
            distance_km=d,
            max_travel_km=jobseeker.max_travel_km,
        )
        if fit.score >= MIN_VISIT_SCORE:
            results.append(Match(fit.score, d, fit, employer=employer))
    results.sort(key=lambda m: (-m.score, m.distance_km or 0))
    return results[:limit]
