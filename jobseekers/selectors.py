"""Reads of job seekers: the searchable, filterable list and a person's timeline."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from baanbrekers.access import sees_all_municipalities
from baanbrekers.listing import FirstRowsOfSearch, Sorting
from baanbrekers.models import Skill, User

from .models import Consent, JobSeeker, JobSeekerNote

SORTING = Sorting(
    options={
        "name": ("last_name", "first_name"),
        "postcode": ("postcode",),
        "municipality": ("municipality__name",),
        "ladder": ("ladder_step",),
        "status": ("status",),
        "updated": ("updated_at",),
    },
    default="name",
)

_POSTCODE_PREFIX = re.compile(r"^([1-9]\d{3})\s*([A-Za-z]{0,2})$")


def looks_like_bsn(text: str) -> bool:
    """Nine digits (spaces and dots allowed): a BSN someone typed where it does not belong."""
    return bool(re.fullmatch(r"\d{9}", re.sub(r"[\s.]", "", text or "")))


@dataclass(frozen=True)
class JobSeekerFilters:
    """What a list page or API client asks for; every value is optional."""

    q: str = ""
    municipality: int | None = None
    status: str = ""
    ladder_step: int | None = None
    caseworker: int | None = None
    skill: str = ""

    @classmethod
    def from_params(cls, params) -> JobSeekerFilters:
        """Reads a QueryDict (page or API); values that do not parse are ignored."""

        def as_int(name: str) -> int | None:
            try:
                return int(params.get(name, ""))
            except (TypeError, ValueError):
                return None

        return cls(
            q=" ".join((params.get("q") or "").split())[:100],
            municipality=as_int("municipality"),
            status=(params.get("status") or "")[:20],
            ladder_step=as_int("ladder_step"),
            caseworker=as_int("caseworker"),
            skill=" ".join((params.get("skill") or "").split())[:80],
        )


def _skill_ids_matching(text: str, *, exact: bool) -> QuerySet:
    """Ids of vocabulary words matching ``text`` (the vocabulary is small next to job seekers)."""
    words = Skill.objects.annotate(lname=Lower("name"))
    if exact:
        return words.filter(lname=text.lower()).values("pk")
    return words.filter(name__icontains=text).values("pk")


def _ids_with_skill_or_interest(skill_ids: QuerySet) -> QuerySet:
    """Ids of people who have one of these words as a skill or an interest.

    A UNION of the two M2M tables read through their (skill_id, jobseeker_id) indexes; used as
    ``pk IN (...)`` so that PostgreSQL can plan it as a semi-join instead of running an EXISTS
    per row (an OR of EXISTS forces a scan of every job seeker).
    """
    skills = JobSeeker.skills.through.objects.filter(skill_id__in=skill_ids)
    interests = JobSeeker.interests.through.objects.filter(skill_id__in=skill_ids)
    return skills.values("jobseeker_id").union(interests.values("jobseeker_id"))


# Trigram indexes answer "contains" only for words of at least three letters.
TRIGRAM_MIN_LENGTH = 3


def _has_word(word_ids: list[int]) -> Q:
    """The row has one of these words as a skill or an interest, tested per row through the
    (jobseeker_id, ...) indexes of the two M2M tables.

    The second, redundant condition on the row (``>=``) is deliberate: with only the equality
    PostgreSQL may turn each EXISTS into a hashed set of every person in the country with such
    a word (175,000 rows for "de" at national size: 400 ms) before it tests the first row; with
    it the test stays per row, and a page in name order stops after its rows (7 ms)."""

    def holders(relation) -> Exists:
        return Exists(
            relation.through.objects.filter(
                Q(jobseeker_id=OuterRef("pk")),
                Q(jobseeker_id__gte=OuterRef("pk")),
                skill_id__in=word_ids,
            )
        )

    return Q(holders(JobSeeker.skills)) | Q(holders(JobSeeker.interests))


# The list orders an index serves for the whole country (jobseekers 0003), where a search can
# walk the list in order (``FirstRowsOfSearch``); the descending forms are served too.
_INDEXED_ORDERS = (
    ("last_name", "first_name", "pk"),
    ("postcode", "pk"),
    ("ladder_step", "pk"),
    ("status", "pk"),
    ("updated_at", "pk"),
)


def _search(qs: QuerySet[JobSeeker], text: str, *, per_row: bool) -> QuerySet[JobSeeker]:
    """Free text: a postcode (prefix), or words that each match a name, skill or interest.

    ``qs`` holds only the rows the user may see, narrowed by the list's other filters, and
    every part of the search is built from it, so a caseworker's search reads their own
    municipalities, not the country.

    Each word is tested on a row as its names, then the few matching words of the vocabulary
    (looked up once) as the person's skills and interests (``_has_word``). ``per_row`` (a user
    who sees some municipalities, not the country): that test alone, so a page in name order
    stops after its rows, and a capped count after the cap, instead of building every person
    in the country with a matching skill.

    For the whole country (coordinators) the same test is run on a window of the list in its
    order, and only when that window does not fill the page is a word of three letters or more
    answered as a set, from the trigram indexes and the vocabulary (``FirstRowsOfSearch``):
    tested per row alone, a name that sorts late or matches few read the country; answered as
    sets alone, a common word ("bakke", tens of thousands) read and sorted every match.
    Shorter words cannot use those indexes and are tested per row in both."""
    match = _POSTCODE_PREFIX.match(text)
    if match:
        digits, letters = match.groups()
        prefix = f"{digits} {letters.upper()}" if letters else digits
        return qs.filter(postcode__startswith=prefix)
    scope = qs.order_by()
    tested, as_set = Q(), Q()
    for word in text.split()[:5]:
        names = Q(first_name__icontains=word) | Q(last_name__icontains=word)
        words = list(_skill_ids_matching(word, exact=False).values_list("pk", flat=True))
        on_the_row = names | _has_word(words) if words else names
        tested &= on_the_row
        if per_row or len(word) < TRIGRAM_MIN_LENGTH:
            as_set &= on_the_row
        elif words:
            by_name = scope.filter(names).values("pk")
            as_set &= Q(pk__in=by_name.union(_ids_with_skill_or_interest(words)))
        else:
            # No word of the vocabulary matches: the names alone, so that the planner does not
            # count on skill holders that cannot exist (it then hashed the country, 300 ms).
            as_set &= names
    if per_row:
        return qs.filter(tested)
    return qs.filter(
        FirstRowsOfSearch(scope=qs, per_row=tested, as_set=as_set, orders=_INDEXED_ORDERS)
    )


def _searched(*, user: User, filters: JobSeekerFilters) -> QuerySet[JobSeeker]:
    """The job seekers this user may see, searched and filtered (not sorted)."""
    qs = JobSeeker.objects.visible_to(user)
    # A user who sees some municipalities has their rows tested one by one (see _search).
    per_row = not sees_all_municipalities(user)
    if filters.municipality:
        qs = qs.filter(municipality_id=filters.municipality)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.ladder_step:
        qs = qs.filter(ladder_step=filters.ladder_step)
    if filters.caseworker:
        qs = qs.filter(caseworker_id=filters.caseworker)
    if filters.skill:
        words = _skill_ids_matching(filters.skill, exact=True)
        if per_row:
            qs = qs.filter(_has_word(list(words.values_list("pk", flat=True))))
        else:
            qs = qs.filter(pk__in=_ids_with_skill_or_interest(words))
    # The search comes last: for the whole country it reads its window from the list as
    # narrowed by everything else (see ``_search``).
    if filters.q:
        qs = _search(qs, filters.q, per_row=per_row)
    return qs


def jobseeker_list(
    *, user: User, filters: JobSeekerFilters, sort: str = ""
) -> tuple[QuerySet, str]:
    """The job seekers this user may see, searched, filtered and sorted, ready to paginate.

    The municipality and caseworker are joined; a page's skills and interests are read after
    the page is known, as names in one query (``jobseeker_words``), not prefetched as model
    instances per person. Returns the queryset and the sort key actually applied.
    """
    qs = _searched(user=user, filters=filters).select_related("municipality", "caseworker")
    return SORTING.apply(qs, sort)


def jobseeker_list_page(
    *, user: User, filters: JobSeekerFilters, sort: str = ""
) -> tuple[QuerySet, str]:
    """The same rows as ``jobseeker_list`` shaped for the list page: only the columns the page
    shows, no prefetch (``jobseeker_words`` gives a page's skills and interests in one query).
    Returns the queryset and the sort key applied."""
    qs = (
        _searched(user=user, filters=filters)
        .select_related("municipality", "caseworker")
        .only(
            "id",
            "first_name",
            "last_name",
            "bsn_encrypted",
            "postcode",
            "ladder_step",
            "status",
            "municipality__name",
            "caseworker__first_name",
            "caseworker__last_name",
            "caseworker__email",
        )
    )
    return SORTING.apply(qs, sort)


def jobseeker_words(ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """The skill and interest names of these job seekers (a page of the list), in name order:
    one query, plain strings, no model instances or related managers. Asked after the page's
    rows are known, so the arrays are built for those rows only (built in the rows' own query
    they would be computed for every row sorted or skipped by the pager's OFFSET)."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_words_sql(), [list(ids)])
        return {pk: (skills, interests) for pk, skills, interests in cursor.fetchall()}


@functools.cache
def _words_sql() -> str:
    """``jobseeker_words``' statement, written once per process: composed through the ORM (two
    ``ArraySubquery``s) it cost more CPU on every page than running it. The ids are one array
    parameter. Table and column names come from the models."""
    quote = connection.ops.quote_name

    def names_of(relation) -> str:
        through = relation.through._meta
        return (
            f"ARRAY(SELECT s.{quote('name')} FROM {quote(through.db_table)} x"
            f" JOIN {quote(Skill._meta.db_table)} s"
            f" ON s.{quote('id')} = x.{quote(through.get_field('skill').column)}"
            f" WHERE x.{quote(through.get_field('jobseeker').column)} = p.{quote('id')}"
            f" ORDER BY s.{quote('name')})"
        )

    return (
        f"SELECT p.{quote('id')}, {names_of(JobSeeker.skills)}, {names_of(JobSeeker.interests)}"
        f" FROM {quote(JobSeeker._meta.db_table)} p WHERE p.{quote('id')} = ANY(%s)"
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime | datetime.date
    kind: str
    title: str
    text: str = ""
    author: str = ""
    consent: Consent | None = None


def _as_datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.max, tzinfo=datetime.UTC)


def file_consents() -> Prefetch:
    """A person's consents with who recorded them, for ``prefetch_related_objects``: the file's
    consents table, its timeline (``jobseeker_timeline``) and its "sign up for a visit" action
    read the same rows, so the file reads them once."""
    return Prefetch("consents", queryset=Consent.objects.select_related("recorded_by"))


def jobseeker_timeline(jobseeker: JobSeeker) -> list[TimelineEntry]:
    """Notes, consents given and withdrawn, and the file's creation and last change, newest first."""
    entries = [
        TimelineEntry(at=jobseeker.created_at, kind="created", title=_("File created")),
    ]
    if jobseeker.updated_at and jobseeker.updated_at - jobseeker.created_at > datetime.timedelta(
        seconds=1
    ):
        entries.append(
            TimelineEntry(at=jobseeker.updated_at, kind="changed", title=_("File last changed"))
        )
    notes = JobSeekerNote.objects.filter(jobseeker=jobseeker).select_related("author")
    for note in notes:
        entries.append(
            TimelineEntry(
                at=note.created_at,
                kind="note",
                title=_("Note"),
                text=note.text,
                author=str(note.author) if note.author else "",
            )
        )
    if "consents" not in getattr(jobseeker, "_prefetched_objects_cache", {}):
        prefetch_related_objects([jobseeker], file_consents())
    for consent in jobseeker.consents.all():
        entries.append(
            TimelineEntry(
                at=consent.created_at,
                kind="consent",
                title=_("Consent given: %(kind)s") % {"kind": consent.get_kind_display()},
                author=str(consent.recorded_by) if consent.recorded_by else "",
                consent=consent,
            )
        )
        if consent.withdrawn_on:
            entries.append(
                TimelineEntry(
                    at=consent.withdrawn_on,
                    kind="consent_withdrawn",
                    title=_("Consent withdrawn: %(kind)s") % {"kind": consent.get_kind_display()},
                )
            )
    return sorted(entries, key=lambda e: _as_datetime(e.at), reverse=True)
