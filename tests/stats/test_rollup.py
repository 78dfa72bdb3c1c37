import datetime

import pytest
from django.utils import timezone

from jobseekers.models import JobSeeker
from placements.models import BuddyPairing, JobOutcome
from stats import services
from stats.models import COUNT_FIELDS, DailyFigures, RollupState
from visits.models import Visit

from .conftest import AS_OF
from .expected import expected_figures

pytestmark = pytest.mark.django_db


def stored() -> dict:
    out = {}
    for row in DailyFigures.objects.all():
        values = {f: getattr(row, f) for f in COUNT_FIELDS if getattr(row, f)}
        out[(row.municipality_id, row.day)] = values
    return out


def test_full_rebuild_matches_counts_computed_from_the_raw_rows(generated):
    result = services.figures_rebuild(as_of=AS_OF)

    expected = expected_figures(AS_OF)
    assert result.rows == len(expected)
    assert stored() == expected
    # The data exercise every figure, so none of them is trivially right.
    totals = {f: sum(v.get(f, 0) for v in expected.values()) for f in COUNT_FIELDS}
    assert all(totals.values()), [f for f, n in totals.items() if not n]


def test_rebuild_twice_gives_the_same_table(generated):
    services.figures_rebuild(as_of=AS_OF)
    first = stored()
    services.figures_rebuild(as_of=AS_OF)
    assert stored() == first


def _change_things(heusden, waalwijk):
    """Changes of all kinds, some in the past far outside the recent window."""
    person = JobSeeker.objects.filter(municipality=heusden, jobs__isnull=False).first()
    # Moves: their whole history changes municipality.
    person.municipality = waalwijk
    person.save(update_fields=["municipality", "updated_at"])
    # A new, earlier job moves someone's outflow day back by a year.
    other = JobSeeker.objects.filter(jobs__isnull=False).exclude(benefit_type="none").last()
    first = other.jobs.order_by("start_date").first()
    JobOutcome.objects.create(
        jobseeker=other,
        employer_name="Vroeger BV",
        contract_type="permanent",
        hours_per_week=20,
        start_date=first.start_date - datetime.timedelta(days=365),
        route="buddy",
    )
    # A held visit two years ago turns out to have been cancelled.
    visit = Visit.objects.filter(status="held").order_by("starts_at").first()
    visit.status = "cancelled"
    visit.save(update_fields=["status", "updated_at"])
    # A buddy pairing starts yesterday.
    BuddyPairing.objects.create(
        jobseeker=person, buddy_name="B", goals="g", start_date=AS_OF - datetime.timedelta(days=1)
    )


def test_incremental_update_equals_a_full_rebuild(generated, heusden, waalwijk, monkeypatch):
    # All rows were just made; without the overlap only the changes below count as new.
    monkeypatch.setattr(services, "WATERMARK_OVERLAP", datetime.timedelta(0))
    services.figures_rebuild(as_of=AS_OF)
    _change_things(heusden, waalwijk)

    result = services.figures_update(as_of=AS_OF)

    incremental = stored()
    assert result.full is False
    # Only the days concerned were recomputed, not the whole history.
    assert result.days < (AS_OF - datetime.date(2024, 1, 1)).days / 3
    services.figures_rebuild(as_of=AS_OF)
    assert incremental == stored() == expected_figures(AS_OF)


def test_incremental_update_with_nothing_changed_is_a_no_op(generated):
    services.figures_rebuild(as_of=AS_OF)
    before = stored()
    services.figures_update(as_of=AS_OF)
    services.figures_update(as_of=AS_OF)
    assert stored() == before


def test_the_next_day_counts_outflow_reaching_six_months(generated):
    services.figures_rebuild(as_of=AS_OF)
    later = AS_OF + datetime.timedelta(days=40)
    services.figures_update(as_of=later)
    assert stored() == expected_figures(later)


def test_first_run_without_a_watermark_is_a_full_rebuild(generated):
    result = services.figures_update(as_of=AS_OF)
    assert result.full is True
    assert RollupState.objects.get().watermark <= timezone.now()
    assert stored() == expected_figures(AS_OF)


def test_a_late_evening_visit_counts_on_its_amsterdam_day(heusden):
    from stats.synthetic import generate

    generate(municipalities=[heusden], start=AS_OF, days=1, jobseekers_per_municipality=0)
    Visit.objects.update(
        status="held",
        starts_at=datetime.datetime(2026, 3, 28, 23, 30, tzinfo=datetime.UTC),  # 00:30 on 29th
    )
    services.figures_rebuild(as_of=AS_OF)
    days = set(DailyFigures.objects.values_list("day", flat=True))
    assert days == {datetime.date(2026, 3, 29)}


def test_many_changed_days_are_recomputed_all_at_once(generated, heusden, waalwijk, monkeypatch):
    monkeypatch.setattr(services, "FULL_REBUILD_ABOVE_DAYS", 5)
    services.figures_rebuild(as_of=AS_OF)
    _change_things(heusden, waalwijk)
    result = services.figures_update(as_of=AS_OF)
    assert result.full is True
    assert stored() == expected_figures(AS_OF)


def test_the_periodic_task_runs_the_incremental_roll_up(generated, monkeypatch):
    from stats.tasks import figures_rebuild, figures_update

    monkeypatch.setattr(services, "WATERMARK_OVERLAP", datetime.timedelta(0))
    assert figures_rebuild.apply().get()["full"] is True
    assert figures_update.apply().get()["full"] is False
    assert DailyFigures.objects.exists()


def test_the_roll_up_tasks_may_run_longer_than_an_ordinary_task(settings):
    # At national size a full rebuild takes minutes; under the default limit of every task the
    # worker killed it (SoftTimeLimitExceeded) and the figures were never rebuilt.
    from stats.tasks import figures_rebuild, figures_update

    for task in (figures_rebuild, figures_update):
        assert task.soft_time_limit >= 30 * 60 > settings.CELERY_TASK_SOFT_TIME_LIMIT
        assert task.time_limit > task.soft_time_limit
