"""Reads of visits that are more than a filter: the agenda, suggestions whom to invite, the
briefing for the alderman."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from baanbrekers.geo import distance_km
from baanbrekers.models import Role, Skill, User
from employers.models import ContactMoment, Opening
from jobseekers.models import Consent, ConsentKind, JobSeeker

from .access import calendar_visits, visible_jobseekers, visible_visits
from .models import Visit, VisitSignUp, VisitStaff, VisitStatus

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


def agenda_visits(
    user: User,
    *,
    start: datetime.date,
    end: datetime.date,
    municipality_id: int | None = None,
    alderman_id: int | None = None,
) -> QuerySet[Visit]:
    """The user's agenda between two days, in a constant number of queries: each visit with its
    employer, the number of job seekers signed up, its aldermen, and whether the user may open it.
    """
    qs = calendar_visits(user).between(_local_midnight(start), _local_midnight(end))
    if municipality_id:
        qs = qs.filter(employer__municipality_id=municipality_id)
    if alderman_id:
        qs = qs.filter(staff__user_id=alderman_id, staff__user__role=Role.ALDERMAN)
    return (
        qs.select_related("employer__municipality")
        .annotate(
            jobseeker_count=Count("signups", distinct=True),
            can_open=Exists(visible_visits(user).filter(pk=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch(
                "staff",
                queryset=VisitStaff.objects.filter(user__role=Role.ALDERMAN).select_related("user"),
                to_attr="aldermen",
            )
        )
        .order_by("starts_at", "pk")
    )


# --- Suggestions whom to invite ----------------------------------------------------------------

_WORD = re.compile(r"[\w'-]+", re.UNICODE)


def _phrases(text: str) -> set[str]:
    """Words and word pairs of a text, lower-cased: what a skill name can match."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


@dataclass
class Suggestion:
    jobseeker: JobSeeker
    score: int
    reasons: list[str] = field(default_factory=list)
    distance: float | None = None


def visit_suggestions(*, visit: Visit, user: User, limit: int = 10) -> list[Suggestion]:
    """Job seekers worth inviting, best first, each with the reasons in words.

    A job seeker qualifies when they are active, in the user's region, have a consent to join
    visits that holds on the visit's day, are not signed up yet, and have a skill or interest
    (hobbies count) that the company asks for (valued competences, open openings) or that its
    story or sector mentions. Those who live further from the company (postcode areas,
    baanbrekers.geo) than they want to travel are left out; at equal fit the nearer rank higher.
    """
    employer = visit.employer
    wanted: dict[int, str] = {s.pk: s.name for s in employer.valued_skills.all()}
    for skill in Skill.objects.filter(
        openings__employer=employer, openings__in=Opening.objects.open()
    ).distinct():
        wanted.setdefault(skill.pk, skill.name)
    story = " ".join(
        [
            employer.sector.label if employer.sector_id else "",
            employer.story_what,
            employer.story_passion,
            employer.story_culture,
            employer.story_views,
            employer.story_values,
        ]
    )
    phrases = _phrases(story)
    in_story: dict[int, str] = {}
    if phrases:
        in_story = dict(
            Skill.objects.annotate(lname=Lower("name"))
            .filter(lname__in=phrases)
            .values_list("pk", "name")
        )
    matching = set(wanted) | set(in_story)
    if not matching:
        return []
    visit_day = timezone.localdate(visit.starts_at)
    consent = Consent.objects.valid(ConsentKind.JOIN_VISITS).filter(
        jobseeker=OuterRef("pk"), valid_until__gte=visit_day
    )
    candidates = (
        visible_jobseekers(user)
        .active()
        .filter(Exists(consent))
        .filter(Q(skills__in=matching) | Q(interests__in=matching))
        .exclude(pk__in=VisitSignUp.objects.filter(visit=visit).values("jobseeker_id"))
        .distinct()
        .prefetch_related("skills", "interests")
    )
    suggestions = []
    for js in candidates:
        skills = {s.pk: s.name for s in js.skills.all()}
        interests = {s.pk: s.name for s in js.interests.all()}
        asked_skills = sorted(skills[k] for k in skills.keys() & wanted.keys())
        asked_interests = sorted(
            interests[k] for k in (interests.keys() & wanted.keys()) - skills.keys()
        )
        story_hits = sorted(
            {**skills, **interests}[k]
            for k in (skills.keys() | interests.keys()) & in_story.keys()
            if k not in wanted
        )
        score = 3 * len(asked_skills) + 2 * len(asked_interests) + len(story_hits)
        reasons = []
        if asked_skills:
            reasons.append(
                _("Skills the company asks for: %(names)s") % {"names": ", ".join(asked_skills)}
            )
        if asked_interests:
            reasons.append(
                _("Interests and hobbies that fit: %(names)s")
                % {"names": ", ".join(asked_interests)}
            )
        if story_hits:
            reasons.append(
                _("Mentioned in the company's story: %(names)s") % {"names": ", ".join(story_hits)}
            )
        # Unknown postcodes give no distance: such a person is kept, ranked after known ones.
        distance = distance_km(js.postcode, employer.postcode)
        if distance is not None:
            if distance > js.max_travel_km:
                continue
            reasons.append(
                _("Lives about %(km)s km away (travels up to %(max)s km)")
                % {"km": round(distance), "max": js.max_travel_km}
            )
        suggestions.append(Suggestion(js, score, reasons, distance))
    suggestions.sort(
        key=lambda s: (
            -s.score,
            s.distance if s.distance is not None else float("inf"),
            s.jobseeker.last_name,
            s.jobseeker.pk,
        )
    )
    return suggestions[:limit]


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
