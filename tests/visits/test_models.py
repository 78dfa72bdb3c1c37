"""How a visit names itself where it is listed or linked (the to-do list's "Bezoek:" link)."""

import datetime
import zoneinfo

import pytest
from django.utils import translation

from tests.visits.factories import VisitFactory

pytestmark = pytest.mark.django_db


def test_a_visit_is_named_by_its_local_time_in_the_one_date_format():
    # 10:00 in Vlijmen in summer is 08:00 UTC: the name says 10:00, as the visit's page does.
    starts = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    visit = VisitFactory(starts_at=starts, employer__trade_name="Bakkerij De Korenschoof")
    with translation.override("nl"):
        assert str(visit) == "Bakkerij De Korenschoof, 1 juli 2026, 10:00"
