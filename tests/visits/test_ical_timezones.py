"""Calendar feeds valid for any year (issue 12): the VTIMEZONE comes from the tz rules, so it
gives the right offset for a visit in 1999 as well as in 2031; HEAD is allowed on the feeds."""

import datetime
import re
import zoneinfo

import pytest
from dateutil import rrule
from django.urls import reverse
from icalendar import Calendar

from tests.visits.factories import VisitFactory
from visits import ical, services

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _onsets(
    vtimezone, until: datetime.datetime
) -> list[tuple[datetime.datetime, datetime.timedelta]]:
    """Every onset (local wall time, offset after it) up to ``until``, RRULEs expanded."""
    found = []
    for part in vtimezone.subcomponents:
        start = part.decoded("DTSTART")
        offset = part["TZOFFSETTO"].td
        if "RRULE" in part:
            rule = rrule.rrulestr(part["RRULE"].to_ical().decode(), dtstart=start)
            found += [(at, offset) for at in rule.between(start, until, inc=True)]
        elif start <= until:
            found.append((start, offset))
    return sorted(found)


def _offset_from_vtimezone(cal: Calendar, tzid: str, local: datetime.datetime):
    (vtimezone,) = [tz for tz in cal.walk("VTIMEZONE") if str(tz["TZID"]) == tzid]
    onsets = _onsets(vtimezone, local)
    assert onsets, f"the VTIMEZONE says nothing about {local:%Y-%m-%d}"
    return onsets[-1][1]


def _assert_strict(raw: bytes) -> None:
    """What RFC 5545 asks of the text itself, beyond what the lenient parser forgives."""
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), "content lines are folded at 75 octets"
    unfolded = raw.replace(b"\r\n ", b"").decode().split("\r\n")[:-1]
    stack = []
    for line in unfolded:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack.pop() == line[4:]
    assert not stack
    assert unfolded.count("VERSION:2.0") == 1
    assert sum(line.startswith("PRODID:") for line in unfolded) == 1
    defined = {line[5:] for line in unfolded if line.startswith("TZID:")}
    used = set(re.findall(r";TZID=([^:;]+)", "\n".join(unfolded)))
    assert used <= defined
    cal = Calendar.from_ical(raw)
    for vtimezone in cal.walk("VTIMEZONE"):
        assert vtimezone.subcomponents
        for part in vtimezone.subcomponents:
            assert part.name in ("STANDARD", "DAYLIGHT")
            for prop in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                assert prop in part, prop
            start = part.decoded("DTSTART")
            assert start.tzinfo is None, "an onset's DTSTART is local time (RFC 5545 3.6.5)"
    for event in cal.walk("VEVENT"):
        for prop in ("UID", "DTSTAMP", "DTSTART"):
            assert prop in event, prop


@pytest.mark.parametrize(
    "local",
    [
        datetime.datetime(2031, 7, 10, 14, 30),  # summer time, years past any listed range
        datetime.datetime(2031, 12, 3, 9, 0),
        datetime.datetime(1999, 1, 20, 10, 0),  # winter, long before
        datetime.datetime(1999, 10, 30, 10, 0),  # the day before summer time ended
        datetime.datetime(1975, 6, 1, 12, 0),  # before the Netherlands had summer time
    ],
)
def test_the_timezone_block_gives_the_right_offset_in_any_year(employer, local):
    visit = VisitFactory(employer=employer, starts_at=local.replace(tzinfo=AMS))
    raw = ical.visits_calendar([visit], name="test")
    _assert_strict(raw)
    cal = Calendar.from_ical(raw)
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    expected = local.replace(tzinfo=AMS).utcoffset()
    assert _offset_from_vtimezone(cal, "Europe/Amsterdam", local) == expected
    # and icalendar's own reading of the block agrees
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert local.replace(tzinfo=vtimezone.to_tz()).utcoffset() == expected


def test_the_rule_in_force_is_a_yearly_rule_not_a_list_of_years(employer):
    visit = VisitFactory(employer=employer, starts_at=datetime.datetime(2027, 5, 1, 10, tzinfo=AMS))
    cal = Calendar.from_ical(ical.visits_calendar([visit], name="test"))
    (vtimezone,) = cal.walk("VTIMEZONE")
    rules = sorted(str(part["RRULE"].to_ical().decode()) for part in vtimezone.subcomponents)
    assert rules == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
    assert "COMMENT" not in vtimezone  # no "only works from ... to ..."
    # 2100 is covered too: nothing ends the rule
    late = datetime.datetime(2100, 7, 1, 12)
    assert _offset_from_vtimezone(cal, "Europe/Amsterdam", late) == datetime.timedelta(hours=2)


def test_feed_with_a_visit_in_2031_is_valid_and_answers_head(client, alderman, employer):
    future = VisitFactory(employer=employer, starts_at=datetime.datetime(2031, 8, 5, 9, tzinfo=AMS))
    future.staff.create(user=alderman)
    url = reverse("visits:feed", args=[services.calendar_token_get(user=alderman).token])
    response = client.get(url)
    assert response.status_code == 200
    _assert_strict(response.content)
    cal = Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (9, datetime.timedelta(hours=2))
    local = start.replace(tzinfo=None)
    assert _offset_from_vtimezone(cal, "Europe/Amsterdam", local) == datetime.timedelta(hours=2)

    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Type"].startswith("text/calendar")
    assert head.content == b""


def test_single_visit_from_1999_is_valid_and_answers_head(client, caseworker_heusden, employer):
    old = VisitFactory(employer=employer, starts_at=datetime.datetime(1999, 3, 1, 13, tzinfo=AMS))
    client.force_login(caseworker_heusden)
    url = reverse("visits:ics", args=[old.pk])
    response = client.get(url)
    assert response.status_code == 200
    _assert_strict(response.content)
    cal = Calendar.from_ical(response.content)
    local = datetime.datetime(1999, 3, 1, 13)
    assert _offset_from_vtimezone(cal, "Europe/Amsterdam", local) == datetime.timedelta(hours=1)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
