"""Due dates are Amsterdam calendar days, also around the last Sundays of March and October,
when the clocks move and the offset from UTC changes between +1 and +2."""

import datetime

import pytest
from django.conf import settings

from baanbrekers.followups import followup_rules_apply
from employers.followup_rules import KIND_EMPLOYER_NO_CONTACT
from placements.followup_rules import KIND_BUDDY_CHECKIN
from stats import followup_rules as rules
from tests.employers.factories import ContactMomentFactory, EmployerFactory
from tests.placements.factories import BuddyPairingFactory

from .helpers import rows, utc

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("contact_utc", "local_day", "before_utc", "after_utc"),
    [
        # 00:30 on Sunday 29 March 2026, just before the clocks go forward (UTC+1): the contact
        # counts for the 29th, 90 days on is 27 June, which starts at 22:00 UTC (UTC+2).
        (utc(2026, 3, 28, 23, 30), D(2026, 3, 29), utc(2026, 6, 26, 21, 59), utc(2026, 6, 26, 22)),
        # 00:30 on Sunday 25 October 2026, summer time (UTC+2) still: the 25th, and 90 days on
        # is 23 January 2027, which starts at 23:00 UTC (UTC+1).
        (
            utc(2026, 10, 24, 22, 30),
            D(2026, 10, 25),
            utc(2027, 1, 22, 22, 59),
            utc(2027, 1, 22, 23),
        ),
    ],
)
def test_no_contact_due_date_counts_local_days_across_the_clock_change(
    caseworker, contact_utc, local_day, before_utc, after_utc
):
    employer = EmployerFactory(relationship_owner=caseworker)
    ContactMomentFactory(employer=employer, happened_at=contact_utc)
    due = local_day + datetime.timedelta(days=settings.LEAD_TIMES["employer_no_contact"])

    followup_rules_apply(now=before_utc)  # still the day before in Amsterdam
    assert rows(KIND_EMPLOYER_NO_CONTACT) == []

    followup_rules_apply(now=after_utc)  # midnight in Amsterdam, the UTC date lags behind
    assert [f.due_on for f in rows(KIND_EMPLOYER_NO_CONTACT)] == [due]


@pytest.mark.parametrize(
    ("now", "week_start"),
    [
        # Monday 30 March 2026, the day after summer time began: 07:00 local is 05:00 UTC.
        (utc(2026, 3, 30, 4, 59), D(2026, 3, 23)),
        (utc(2026, 3, 30, 5, 0), D(2026, 3, 30)),
        # Monday 26 October 2026, the day after winter time began: 07:00 local is 06:00 UTC.
        (utc(2026, 10, 26, 5, 59), D(2026, 10, 19)),
        (utc(2026, 10, 26, 6, 0), D(2026, 10, 26)),
        # Sunday 25 October 23:30 UTC is already Monday 00:30 in Amsterdam, before seven.
        (utc(2026, 10, 25, 23, 30), D(2026, 10, 19)),
    ],
)
def test_the_digest_week_turns_at_seven_on_monday_amsterdam_time(alderman, now, week_start):
    assert rules.digest_week_start(now) == week_start
    followup_rules_apply(now=now)
    assert [f.due_on for f in rows(rules.KIND_DIGEST)] == [week_start]


def test_a_buddy_check_in_falls_on_the_local_day_the_weekend_the_clocks_change(caseworker):
    BuddyPairingFactory(start_date=D(2026, 2, 28), caseworker=caseworker)
    # Amsterdam is UTC+1 until Sunday 29 March: Saturday the 28th begins at 23:00 UTC on the 27th.
    followup_rules_apply(now=utc(2026, 3, 27, 22, 59))  # 23:59 on the 27th locally
    assert rows(KIND_BUDDY_CHECKIN) == []
    followup_rules_apply(now=utc(2026, 3, 27, 23, 0))  # 00:00 on the 28th locally
    assert [f.due_on for f in rows(KIND_BUDDY_CHECKIN)] == [D(2026, 3, 28)]
