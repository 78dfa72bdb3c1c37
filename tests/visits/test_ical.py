import datetime
import zoneinfo

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.visits.factories import VisitFactory
from visits import services

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def _parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_single_visit_ics_has_local_times_timezone_and_attendees(
    client, caseworker_heusden, alderman, visit
):
    # 14:30 in summer time is 12:30 UTC: the file must say 14:30 Europe/Amsterdam.
    visit.starts_at = datetime.datetime(2027, 7, 1, 14, 30, tzinfo=AMS)
    visit.duration_minutes = 75
    visit.save()
    client.force_login(caseworker_heusden)
    cal = _parse(client.get(reverse("visits:ics", args=[visit.pk])))
    (tz,) = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "Europe/Amsterdam"
    (event,) = cal.walk("VEVENT")
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert (start.hour, start.minute) == (14, 30)
    assert start == datetime.datetime(2027, 7, 1, 12, 30, tzinfo=datetime.UTC)
    assert end - start == datetime.timedelta(minutes=75)
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {f"mailto:{caseworker_heusden.email}", f"mailto:{alderman.email}"}
    assert str(visit.employer) in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == visit.location
    assert str(event["UID"]).startswith(f"visit-{visit.pk}@")


def test_feed_lists_only_the_visits_the_user_joins(client, alderman, visit, employer):
    winter = VisitFactory(
        employer=employer, starts_at=datetime.datetime(2027, 1, 15, 9, 0, tzinfo=AMS)
    )
    winter.staff.create(user=alderman)
    VisitFactory(employer=employer)  # in his municipality, but he does not join it
    token = services.calendar_token_get(user=alderman).token
    cal = _parse(client.get(reverse("visits:feed", args=[token])))
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert {uid.split("@")[0] for uid in events} == {f"visit-{visit.pk}", f"visit-{winter.pk}"}
    winter_event = next(e for uid, e in events.items() if uid.startswith(f"visit-{winter.pk}@"))
    start = winter_event.decoded("DTSTART")
    assert (start.hour, start.utcoffset()) == (9, datetime.timedelta(hours=1))
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"


def test_old_feed_token_stops_working_after_renewal(client, alderman, visit):
    old = services.calendar_token_get(user=alderman).token
    assert client.get(reverse("visits:feed", args=[old])).status_code == 200
    new = services.calendar_token_renew(user=alderman).token
    assert client.get(reverse("visits:feed", args=[old])).status_code == 404
    cal = _parse(client.get(reverse("visits:feed", args=[new])))
    assert len(cal.walk("VEVENT")) == 1


def test_feed_of_a_deactivated_user_is_gone(client, alderman, visit):
    token = services.calendar_token_get(user=alderman).token
    alderman.is_active = False
    alderman.save()
    assert client.get(reverse("visits:feed", args=[token])).status_code == 404


def test_cancelled_visit_is_marked_cancelled_in_the_feed(
    client, alderman, visit, caseworker_heusden
):
    services.visit_cancel(visit=visit, cancelled_by=caseworker_heusden)
    token = services.calendar_token_get(user=alderman).token
    (event,) = _parse(client.get(reverse("visits:feed", args=[token]))).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert timezone.is_aware(event.decoded("DTSTAMP"))
