"""Reads of visits that are more than a filter: the agenda, suggestions whom to invite, the
briefing for the alderman."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from baanbrekers.access import is_alderman
from baanbrekers.models import Role, User
from employers.models import ContactMoment, Employer, Opening
from jobseekers.models import JobSeeker
from matching.ranking import Match, rank_jobseekers_to_invite

from .access import calendar_visits, visible_visits
from .models import Click, Visit, VisitSignUp, VisitStaff, VisitStatus


def signup_count() -> Coalesce:
    """The number of job seekers signed up for the visit (``annotate(jobseeker_count=...)``).

    A subquery rather than ``Count("signups")``: the join and GROUP BY of a count made
    PostgreSQL read and group every visible visit before a page of them could be cut off, and
    made the page's count query join the sign-ups too."""
    signups = (
        VisitSignUp.objects.filter(visit=OuterRef("pk"))
        .order_by()
        .values("visit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(signups), 0)


# --- Agenda ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRange:
    view: str  # "week" or "month"
    start: datetime.date
    end: datetime.date  # exclusive
    previous: datetime.date
    next: datetime.date

    @property
    def days(self) -> list[datetime.date]:
        return [
            self.start + datetime.timedelta(days=i) for i in range((self.end - self.start).days)
        ]


def agenda_range(view: str, day: datetime.date) -> AgendaRange:
    """The week (Monday to Sunday) or the month around ``day``; the month view shows whole
    weeks so it draws as a grid."""
    if view == "month":
        first = day.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        start = first - datetime.timedelta(days=first.weekday())
        end = last + datetime.timedelta(days=7 - last.weekday())
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = last + datetime.timedelta(days=1)
        return AgendaRange("month", start, end, previous, following)
    start = day - datetime.timedelta(days=day.weekday())
    end = start + datetime.timedelta(days=7)
    return AgendaRange("week", start, end, start - datetime.timedelta(days=7), end)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def agenda_window(
    user: User,
    *,
    start: datetime.date,
    end: datetime.date,
    municipality_id: int | None = None,
    alderman_id: int | None = None,
) -> QuerySet[Visit]:
    """The visits on the user's agenda between two days (``end`` exclusive), filtered by the
    municipality of the company and an alderman who joins; no columns chosen, no order."""
    window = Visit.objects.between(_local_midnight(start), _local_midnight(end))
    qs = calendar_visits(user, within=window)
    if municipality_id:
        qs = qs.filter(employer__municipality_id=municipality_id)
    if alderman_id:
        qs = qs.filter(staff__user_id=alderman_id, staff__user__role=Role.ALDERMAN)
    return qs


def agenda_items(user: User, visits: QuerySet[Visit]) -> QuerySet[Visit]:
    """Agenda visits as the items show them, in a constant number of queries: each with its
    employer, the number of job seekers signed up, its aldermen, and whether the user may open
    it. ``visits`` are rows of the user's agenda (``agenda_window``)."""
    # Only an alderman's agenda holds visits they may not open (Visit.objects.on_calendar_of);
    # for everyone else the second look at the access rule would say yes to every row.
    can_open = (
        Exists(visible_visits(user).filter(pk=OuterRef("pk"))) if is_alderman(user) else Value(True)
    )
    return (
        visits.select_related("employer__municipality")
        .annotate(jobseeker_count=signup_count(), can_open=can_open)
        .prefetch_related(
            Prefetch(
                "staff",
                queryset=VisitStaff.objects.filter(user__role=Role.ALDERMAN).select_related("user"),
                to_attr="aldermen",
            )
        )
        .order_by("starts_at", "pk")
    )


def agenda_visits(user: User, **window) -> QuerySet[Visit]:
    """The user's agenda between two days (the arguments of ``agenda_window``), as items."""
    return agenda_items(user, agenda_window(user, **window))


@dataclass(frozen=True)
class AgendaCell:
    """One day of the month view: the visits shown (``visits``, as ``agenda_items``) and how
    many more there are (``more``)."""

    date: datetime.date
    visits: list[Visit]
    more: int


def agenda_month_cells(
    user: User, span: AgendaRange, *, shown: int, **filters
) -> tuple[list[AgendaCell], int]:
    """The month view: per day its first visits (all when they are at most ``shown``, else
    ``shown - 1`` and the number of the others, so a cell never says "1 more"), and the number
    of visits in the whole span.

    A month of a large municipality holds hundreds of visits, twenty and more a day: the days'
    visits are read as ids and times only, and the items only for the visits a cell shows."""
    rows = (
        agenda_window(user, start=span.start, end=span.end, **filters)
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at")
    )
    by_day: dict[datetime.date, list[int]] = {day: [] for day in span.days}
    total = 0
    for pk, starts_at in rows:
        by_day.setdefault(timezone.localdate(starts_at), []).append(pk)
        total += 1
    first = {day: pks if len(pks) <= shown else pks[: shown - 1] for day, pks in by_day.items()}
    wanted = [pk for pks in first.values() for pk in pks]
    items = (
        {visit.pk: visit for visit in agenda_items(user, Visit.objects.filter(pk__in=wanted))}
        if wanted
        else {}
    )
    cells = [
        AgendaCell(
            date=day,
            visits=[items[pk] for pk in first[day] if pk in items],
            more=len(by_day[day]) - len(first[day]),
        )
        for day in span.days
    ]
    return cells, total


# --- Suggestions whom to invite ----------------------------------------------------------------


def visit_suggestions(*, visit: Visit, user: User, limit: int = 10) -> list[Match]:
    """Job seekers worth inviting, best first, each with the reasons in words (``.reasons``).

    The one matching engine decides the fit (``matching.ranking.rank_jobseekers_to_invite``);
    this adds the visit's own inputs: the user's job seekers, not those signed up yet, and a
    consent to join visits that still holds on the visit's day.
    """
    signed_up = VisitSignUp.objects.filter(visit=visit).values("jobseeker_id")
    return rank_jobseekers_to_invite(
        visit.employer,
        on=timezone.localdate(visit.starts_at),
        base=JobSeeker.objects.visible_to(user).exclude(pk__in=signed_up),
        limit=limit,
    )


def clicked_with(employer: Employer) -> set[int]:
    """Job seekers who 'clicked' with this company during a visit (mutual interest noted in the
    report): matching lifts them in the company's rankings."""
    return set(
        Click.objects.filter(visit__employer=employer).values_list("jobseeker_id", flat=True)
    )


# --- Briefing ----------------------------------------------------------------------------------


def visit_briefing(visit: Visit) -> dict:
    """Everything an alderman reads before the visit, on one page: the company and its story,
    recent contacts, open openings, earlier visits and what came of them. No job seekers' names.
    """
    employer = visit.employer
    earlier = (
        Visit.objects.filter(employer=employer, starts_at__lt=visit.starts_at)
        .exclude(pk=visit.pk)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("report")
        .annotate(
            jobseeker_count=Count("signups", distinct=True),
            click_count=Count("clicks", distinct=True),
        )
        .prefetch_related("actions")
        .order_by("-starts_at")[:5]
    )
    return {
        "employer": employer,
        "valued_skills": list(employer.valued_skills.all()),
        "contact_moments": list(
            ContactMoment.objects.filter(employer=employer).order_by("-happened_at")[:5]
        ),
        "openings": list(
            Opening.objects.open()
            .filter(employer=employer)
            .prefetch_related("competences")
            .order_by("-created_at")[:8]
        ),
        "earlier_visits": list(earlier),
        "staff": list(visit.staff.select_related("user")),
        "jobseeker_count": visit.signups.count(),
    }
