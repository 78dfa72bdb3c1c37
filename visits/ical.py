"""iCalendar (.ics) output of visits, with times in Europe/Amsterdam and its VTIMEZONE."""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from .models import Visit, VisitStatus

TZID = "Europe/Amsterdam"

_STATUS = {
    VisitStatus.PLANNED: "CONFIRMED",
    VisitStatus.HELD: "CONFIRMED",
    VisitStatus.CANCELLED: "CANCELLED",
}


def _uid(visit: Visit) -> str:
    host = (settings.ALLOWED_HOSTS or ["baanbrekers"])[0].lstrip(".") or "baanbrekers"
    if host == "*":
        host = "baanbrekers"
    return f"visit-{visit.pk}@{host}"


# --- VTIMEZONE from the time zone rules -----------------------------------------------------
# A calendar app needs the offset at each event's date. Listing the transitions of a few years
# leaves every other year undefined (issue 12: the block covered 2026-2027 only), so the block
# says what the tz database says: the rule in force as a yearly RRULE without end (valid for any
# future year), and the transitions before that rule one by one, from the earliest visit's year.


@dataclass(frozen=True)
class _Transition:
    at: datetime.datetime  # the instant, in UTC
    local: datetime.datetime  # wall-clock time just before it (RFC 5545: DTSTART of an onset)
    offset_from: datetime.timedelta
    offset_to: datetime.timedelta
    name: str
    dst: bool

    @property
    def rule(self) -> tuple:
        """Month, weekday, which one of the month ("-1" = last), time and offsets: what repeats."""
        day = self.local.date()
        last = (day + datetime.timedelta(days=7)).month != day.month
        nth = -1 if last else (day.day - 1) // 7 + 1
        return (
            day.month,
            day.weekday(),
            nth,
            self.local.time(),
            self.offset_from,
            self.offset_to,
            self.name,
            self.dst,
        )


def _offset(tz: datetime.tzinfo, at: datetime.datetime) -> datetime.timedelta:
    return at.astimezone(tz).utcoffset()


@functools.lru_cache(maxsize=512)
def _transitions_in(tzid: str, year: int) -> tuple[_Transition, ...]:
    """The offset changes of one year, to the minute: a day-by-day scan, then bisection."""
    tz = zoneinfo.ZoneInfo(tzid)
    found = []
    day = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    while day < end:
        nxt = day + datetime.timedelta(days=1)
        before, after = _offset(tz, day), _offset(tz, nxt)
        if before != after:
            lo, hi = day, nxt
            while hi - lo > datetime.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                if _offset(tz, mid) == before:
                    lo = mid
                else:
                    hi = mid
            at = hi.replace(second=0, microsecond=0)
            local_after = at.astimezone(tz)
            found.append(
                _Transition(
                    at=at,
                    local=(at + before).replace(tzinfo=None),
                    offset_from=before,
                    offset_to=after,
                    name=local_after.tzname() or "",
                    dst=bool(local_after.dst()),
                )
            )
        day = nxt
    return tuple(found)


def _fmt_offset(delta: datetime.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


_BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _onset(transition: _Transition, *, rrule: bool) -> TimezoneStandard | TimezoneDaylight:
    part = TimezoneDaylight() if transition.dst else TimezoneStandard()
    part.add("dtstart", transition.local)
    part.add("tzoffsetfrom", transition.offset_from)
    part.add("tzoffsetto", transition.offset_to)
    part.add("tzname", transition.name)
    if rrule:
        month, weekday, nth = transition.rule[:3]
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": f"{nth}{_BYDAY[weekday]}"})
    return part


@functools.lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first_year: int) -> bytes:
    tz = zoneinfo.ZoneInfo(tzid)
    latest = max(first_year, timezone.now().year) + 1
    current = _transitions_in(tzid, latest)
    block = Timezone()
    block.add("tzid", tzid)
    if not current:  # no daylight saving (any more): one fixed offset
        now = datetime.datetime(latest, 1, 1, tzinfo=datetime.UTC)
        part = TimezoneStandard()
        part.add("dtstart", datetime.datetime(first_year - 1, 1, 1))
        offset = _offset(tz, now)
        part.add("tzoffsetfrom", offset)
        part.add("tzoffsetto", offset)
        part.add("tzname", now.astimezone(tz).tzname() or tzid)
        block.add_component(part)
        return block.to_ical()
    # Each transition of the rule in force, back to the first year it happened the same way;
    # what the tz database did before that, one onset each, from a year before the earliest
    # visit (the onset before a date fixes its offset).
    floor = first_year - 1
    rules = {t.rule: t for t in current}
    alive = set(rules)
    explicit: list[_Transition] = []
    # The rule's DTSTART is the first year it held, whatever the visits: the same block for all.
    for year in range(latest - 1, 1900, -1):
        if year < floor and not alive:
            break
        this_year = _transitions_in(tzid, year)
        for t in this_year:
            if t.rule in alive:
                rules[t.rule] = t
            elif year >= floor:
                explicit.append(t)
        alive &= {t.rule for t in this_year}
    earliest = min([t.at for t in rules.values()] + [t.at for t in explicit])
    start = datetime.datetime(floor, 1, 1, tzinfo=datetime.UTC)
    if earliest > start:  # years without a change (no summer time yet): their fixed offset
        offset = _offset(tz, start)
        part = TimezoneDaylight() if start.astimezone(tz).dst() else TimezoneStandard()
        part.add("dtstart", datetime.datetime(floor, 1, 1))
        part.add("tzoffsetfrom", offset)
        part.add("tzoffsetto", offset)
        part.add("tzname", start.astimezone(tz).tzname() or tzid)
        block.add_component(part)
    for t in sorted(rules.values(), key=lambda t: t.at):
        block.add_component(_onset(t, rrule=True))
    for t in sorted(explicit, key=lambda t: t.at):
        block.add_component(_onset(t, rrule=False))
    return block.to_ical()


def vtimezone(tzid: str, *, first_year: int) -> Timezone:
    """A VTIMEZONE for ``tzid`` right for every date from ``first_year`` on, without end."""
    return Timezone.from_ical(_vtimezone_ical(tzid, first_year))


def visits_calendar(visits: Iterable[Visit], *, name: str) -> bytes:
    """A calendar of the visits. Attendees are the staff who join (caseworkers, aldermen);
    job seekers are only counted, never named: a calendar leaves the back office.

    Expects visits with ``employer`` selected and ``staff__user`` prefetched.
    """
    tz = zoneinfo.ZoneInfo(TZID)
    cal = Calendar()
    cal.add("prodid", "-//Baanbrekers//Bedrijfsbezoeken//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    visits = list(visits)
    years = [v.starts_at.astimezone(tz).year for v in visits] or [timezone.localdate().year]
    cal.add_component(vtimezone(TZID, first_year=min(years)))
    now = timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", _uid(visit))
        event.add("dtstamp", now)
        event.add("last-modified", visit.updated_at)
        event.add("dtstart", visit.starts_at.astimezone(tz))
        event.add("dtend", visit.ends_at.astimezone(tz))
        event.add("summary", _("Company visit: %(employer)s") % {"employer": visit.employer})
        event.add("location", visit.location)
        description = [visit.purpose]
        if visit.host_id:
            description.append(_("Host: %(name)s") % {"name": visit.host.name})
        count = getattr(visit, "jobseeker_count", None)
        if count is not None:
            description.append(_("Job seekers coming: %(count)d") % {"count": count})
        event.add("description", "\n".join(description))
        event.add("status", _STATUS[visit.status])
        for attendee in visit.staff.all():
            address = vCalAddress(f"mailto:{attendee.user.email}")
            address.params["cn"] = vText(str(attendee.user))
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=0)
        cal.add_component(event)
    return cal.to_ical()
