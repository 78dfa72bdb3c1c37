"""iCalendar (.ics) output of visits, with times in Europe/Amsterdam and its VTIMEZONE."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

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
    if visits:
        first = min(v.starts_at for v in visits).astimezone(tz)
        last = max(v.ends_at for v in visits).astimezone(tz)
    else:
        first = last = timezone.localtime()
    cal.add_component(
        Timezone.from_tzinfo(
            tz,
            tzid=TZID,
            first_date=datetime.date(first.year, 1, 1),
            last_date=datetime.date(last.year + 1, 1, 1),
        )
    )
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
