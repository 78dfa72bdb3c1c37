"""The demo history's parts (stats.demo_history); the whole seed is tested in test_demo.py."""

import datetime

import pytest

from stats.demo_history import _days, history_seed


@pytest.mark.django_db
def test_history_needs_employers_in_the_municipality(heusden):
    # Without employers there is nothing to hang visits on: nothing is written, nothing fails.
    result = history_seed(municipalities=[heusden], today=datetime.date(2026, 3, 10))
    assert result.rows == 0


def test_days_of_the_current_month_stay_before_today():
    today = datetime.date(2027, 1, 2)
    days = _days(today.replace(day=1), 12, today)
    assert len(days) == 12
    assert max(days) <= today and min(days) == datetime.date(2027, 1, 1)
    assert _days(datetime.date(2026, 12, 1), 6, today)[-1] < datetime.date(2026, 12, 31)
