"""Over the tiny data set of ``seed_scale``: the incremental roll-up after a day of changes
(people touched, people moved, a day later) gives exactly the figures of a full rebuild."""

import datetime
import random

import pytest
from django.utils import timezone

from jobseekers.models import JobSeeker
from stats import services
from stats.models import COUNT_FIELDS, DailyFigures, PersonFigures

pytestmark = pytest.mark.django_db


def stored() -> tuple:
    figures = set(DailyFigures.objects.values_list("municipality_id", "day", *COUNT_FIELDS))
    people = set(PersonFigures.objects.values_list("jobseeker_id", "day", "municipality_id"))
    return figures, people


def test_a_day_of_changes_rolled_up_equals_a_full_rebuild(tiny, monkeypatch):
    monkeypatch.setattr(services, "WATERMARK_OVERLAP", datetime.timedelta(0))
    today = timezone.localdate()
    services.figures_rebuild(as_of=today)
    rng = random.Random(14)
    ids = list(JobSeeker.objects.order_by("pk").values_list("pk", flat=True))
    municipalities = list(
        JobSeeker.objects.order_by().values_list("municipality_id", flat=True).distinct()
    )
    JobSeeker.objects.filter(pk__in=rng.sample(ids, 30)).update(updated_at=timezone.now())
    touched = services.figures_update(as_of=today)
    assert touched.full is False
    # No history recomputed for a touch: the recent days and a few days of visits whose
    # timestamps lie ahead (the old roll-up recomputed every day of these people: hundreds).
    assert touched.days < 60
    for pk in rng.sample(ids, 10):
        JobSeeker.objects.filter(pk=pk).update(
            municipality_id=rng.choice(municipalities), updated_at=timezone.now()
        )
    assert services.figures_update(as_of=today).full is False
    later = today + datetime.timedelta(days=1)
    services.figures_update(as_of=later)

    incremental = stored()
    services.figures_rebuild(as_of=later)
    assert incremental == stored()
    assert incremental[0]
