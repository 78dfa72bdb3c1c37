"""Reads of employers that pages and API share: search, filters, sorting, list annotations."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from baanbrekers.access import sees_all_municipalities
from baanbrekers.expressions import EqualsAny
from baanbrekers.listing import FirstRowsOfSearch, Sorting
from baanbrekers.models import Skill, User
from baanbrekers.timeline import user_name_fields

from .models import ContactMoment, Employer, Opening, OpeningStatus, Referral, Sector

EMPLOYER_SORTING = Sorting(
    options={
        "name": ("trade_name",),
        "kvk": ("kvk_number",),
        "municipality": ("municipality__name", "trade_name"),
        "status": ("status", "trade_name"),
        "sector": ("sector__code", "trade_name"),
        "owner": ("relationship_owner__last_name", "relationship_owner__first_name"),
        "last_contact": ("last_contact_at",),
        "openings": ("open_openings", "trade_name"),
    },
    default="name",
)

_POSTCODE_ISH = re.compile(r"^\s*[1-9]\d{3}\s*[A-Za-z]{0,2}\s*$")


@dataclass(frozen=True)
class EmployerFilters:
    """What a list of employers can be narrowed by (the page's form and the API's query)."""

    q: str = ""
    municipality: int | None = None
    status: str = ""
    sector: Sector | int | None = None  # a top-level sector includes its subsectors
    owner: int | None = None
    skill: str = ""


# Trigram indexes answer "contains" only for three letters or more (as for job seekers).
TRIGRAM_MIN_LENGTH = 3


def employer_search(
    qs: QuerySet[Employer], filters: EmployerFilters, *, user: User | None = None
) -> QuerySet[Employer]:
    """Narrows an already scoped queryset (``Employer.objects.visible_to(user)``).

    ``q`` matches the trade name (part of it), the place (the whole of it), the KvK number
    (start), the postcode (start, spaces ignored) and the competences the employer values or
    seeks in an open opening. ``user`` only chooses how the search is run (see ``_search``),
    never what it finds; without it every row is tested one by one.
    """
    if filters.municipality:
        qs = qs.filter(municipality_id=filters.municipality)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.sector is not None:
        qs = qs.filter(Q(sector=filters.sector) | Q(sector__parent=filters.sector))
    if filters.owner:
        qs = qs.filter(relationship_owner_id=filters.owner)
    if filters.skill:
        qs = qs.filter(pk__in=_employers_with_skill(filters.skill, exact=True))
    # The search comes last: for the whole country it reads its window from the list as
    # narrowed by everything else (see ``_search``).
    q = " ".join(filters.q.split())
    if q:
        qs = _search(qs, q, per_row=user is None or not sees_all_municipalities(user))
    return qs


def _on_the_row(q: str) -> Q:
    """The parts of the search the employer's own row answers, each from an index of its own
    (employers 0006): trade name (trigrams), place, KvK number and postcode (prefixes)."""
    condition = Q(trade_name__icontains=q) | Q(city__iexact=q)
    digits = q.replace(" ", "")
    if digits.isdigit():
        condition |= Q(kvk_number__startswith=digits)
    if _POSTCODE_ISH.match(q):
        compact = digits.upper()
        if len(compact) > 4:
            compact = f"{compact[:4]} {compact[4:]}"
        condition |= Q(postcode__startswith=compact)
    return condition


# The list orders an index serves for the whole country (employers 0004), where a search can
# walk the list in order (``FirstRowsOfSearch``); the descending forms are served too.
_INDEXED_ORDERS = (("trade_name", "pk"),)


def _search(qs: QuerySet[Employer], q: str, *, per_row: bool) -> QuerySet[Employer]:
    """The employers of ``qs`` that ``q`` matches (see ``employer_search``).

    ``per_row`` (a user who sees some municipalities, not the country, or no user): the user's
    employers are tested one by one in name order (their own columns, and their ids against the
    set of holders of the matching vocabulary words, hashed once), so a page stops after its
    rows. The sets of holders are small (a word is held by a few thousand employers), unlike
    job seekers' (``jobseekers.selectors._has_word``).

    For the whole country (coordinators) the same test is run on a window of the list in name
    order, and only when that window does not fill the page is a text of three letters or
    more answered as sets (``FirstRowsOfSearch``): the rows the employer table's indexes find
    (one bitmap scan over the trigram, place and prefix indexes of employers 0006 and the
    primary key for the holders, ``pk = ANY(ARRAY(...))``). Tested per row alone, a word whose matches
    sort late ("zorggr") read 275,000 of the 300,000 employers before its first page was full
    (national size: 2 s), and a word without matches read them all; answered as sets alone, a
    word with many matches spread through the alphabet ("bakker", 33,000) read and sorted all
    of them. Shorter texts cannot use the trigram index and are tested per row."""
    on_the_row = _on_the_row(q)
    holders = _employers_with_skill(q, exact=False)
    tested = on_the_row | Q(pk__in=holders)
    if per_row or len(q) < TRIGRAM_MIN_LENGTH:
        return qs.filter(tested)
    # Every part of this OR has an index (employers 0006 and the primary key for the holders,
    # an array computed once), so PostgreSQL reads the matches in one bitmap heap scan.
    as_set = on_the_row | Q(EqualsAny(F("pk"), ArraySubquery(holders)))
    return qs.filter(
        FirstRowsOfSearch(scope=qs, per_row=tested, as_set=as_set, orders=_INDEXED_ORDERS)
    )


def _skills_named(name: str, *, exact: bool) -> QuerySet[Skill]:
    lookup = "name__iexact" if exact else "name__icontains"
    return Skill.objects.filter(**{lookup: name.strip()}).order_by().values("pk")


def _employers_with_skill(name: str, *, exact: bool) -> QuerySet:
    """Ids of the employers valuing a competence of that name, or seeking it in an open
    opening (the vocabulary is small: the words first, then their holders by index)."""
    skills = _skills_named(name, exact=exact)
    valued = Employer.valued_skills.through.objects.filter(skill_id__in=skills).values(
        "employer_id"
    )
    sought = (
        Opening.objects.filter(status=OpeningStatus.OPEN, competences__in=skills)
        .order_by()
        .values("employer_id")
    )
    return valued.union(sought)


def _with_list_annotations(qs: QuerySet[Employer]) -> QuerySet[Employer]:
    last_contact = (
        ContactMoment.objects.filter(employer=OuterRef("pk"))
        .order_by("-happened_at")
        .values("happened_at")[:1]
    )
    open_openings = (
        Opening.objects.filter(employer=OuterRef("pk"), status=OpeningStatus.OPEN)
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.select_related("municipality", "sector", "relationship_owner").annotate(
        last_contact_at=Subquery(last_contact),
        open_openings=Coalesce(Subquery(open_openings, output_field=IntegerField()), Value(0)),
    )


def employer_list(qs: QuerySet[Employer]) -> QuerySet[Employer]:
    """Everything a list row shows, in a fixed number of queries whatever the number of rows:
    one for the rows (with subqueries for the counts) and one for the valued competences."""
    return _with_list_annotations(qs).prefetch_related(
        Prefetch("valued_skills", queryset=Skill.objects.only("id", "name").order_by("name"))
    )


# The columns a row of the list page shows: the story texts and the other people's columns
# (password hashes included) stay in the database.
EMPLOYER_ROW_FIELDS = (
    "id",
    "trade_name",
    "kvk_number",
    "city",
    "status",
    "municipality__name",
    "sector__label",
    "relationship_owner__first_name",
    "relationship_owner__last_name",
    "relationship_owner__email",
)


def employer_rows(qs: QuerySet[Employer]) -> QuerySet[Employer]:
    """The list page's rows: ``employer_list`` in one query of only the columns a row shows,
    without the valued competences (``valued_skill_names`` reads those for a page at once)."""
    return _with_list_annotations(qs).only(*EMPLOYER_ROW_FIELDS)


def valued_skill_names(employer_ids: list[int]) -> dict[int, list[str]]:
    """The names of the competences each employer values, by name, in one query."""
    names: dict[int, list[str]] = {}
    if not employer_ids:
        return names
    rows = (
        Employer.valued_skills.through.objects.filter(employer_id__in=employer_ids)
        .order_by("skill__name")
        .values_list("employer_id", "skill__name")
    )
    for employer_id, name in rows:
        names.setdefault(employer_id, []).append(name)
    return names


def employer_detail(qs: QuerySet[Employer]) -> QuerySet[Employer]:
    """The employer page: the story, its people, what it offers, its tips and its timeline."""
    return qs.select_related(
        "municipality", "sector", "sector__parent", "relationship_owner"
    ).prefetch_related(
        Prefetch("valued_skills", queryset=Skill.objects.order_by("name")),
        "contacts",
        Prefetch(
            "openings",
            queryset=Opening.objects.prefetch_related(
                Prefetch("competences", queryset=Skill.objects.order_by("name"))
            ).order_by("status", "-created_at"),
        ),
        Prefetch(
            "referrals_made",
            queryset=Referral.objects.select_related("converted_employer", "municipality"),
        ),
    )


def employer_timeline(employer: Employer, *, limit: int = 50) -> list[ContactMoment]:
    """The latest contact moments, newest first, with their authors."""
    return list(
        employer.contact_moments.select_related("author")
        # The employer too: the related manager checks each row's employer_id.
        .only("employer", "happened_at", "kind", "summary", *user_name_fields("author"))
        .order_by("-happened_at", "-id")[:limit]
    )
