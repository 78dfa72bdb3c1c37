import datetime
import logging

import pytest
from django.db import connection
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


def test_an_update_finds_visits_by_their_amsterdam_day_around_the_clock_change(
    heusden, monkeypatch
):
    # An incremental run reads a dirty day's visits by the range of their moments, from local
    # midnight to midnight (29 March 2026 lasts 23 hours), not by the day of every visit: the
    # visits just inside the day's ends count, those of the neighbouring days do not.
    from stats.synthetic import generate

    monkeypatch.setattr(services, "WATERMARK_OVERLAP", datetime.timedelta(0))
    generate(municipalities=[heusden], start=AS_OF, days=1, jobseekers_per_municipality=0)
    Visit.objects.update(status="cancelled")
    utc = datetime.UTC
    held = [
        datetime.datetime(2026, 3, 28, 22, 59, tzinfo=utc),  # 23:59 on the 28th
        datetime.datetime(2026, 3, 28, 23, 0, tzinfo=utc),  # 00:00 on the 29th
        datetime.datetime(2026, 3, 29, 21, 59, tzinfo=utc),  # 23:59 on the 29th (summer time)
        datetime.datetime(2026, 3, 29, 22, 0, tzinfo=utc),  # 00:00 on the 30th
        datetime.datetime(2026, 3, 30, 10, 0, tzinfo=utc),
    ]
    visits = list(Visit.objects.order_by("pk")[: len(held) + 1])
    assert len(visits) == len(held) + 1
    for visit, moment in zip(visits, held, strict=False):
        Visit.objects.filter(pk=visit.pk).update(status="held", starts_at=moment)
    later = visits[-1]
    Visit.objects.filter(pk=later.pk).update(
        starts_at=datetime.datetime(2026, 3, 29, 10, 0, tzinfo=utc)
    )
    services.figures_rebuild(as_of=AS_OF)
    # Only the 29th changes: one more visit held.
    Visit.objects.filter(pk=later.pk).update(status="held", updated_at=timezone.now())

    assert services.figures_update(as_of=AS_OF).full is False

    day = datetime.date(2026, 3, 29)
    expected = {day - datetime.timedelta(days=1): 1, day: 3, day + datetime.timedelta(days=1): 2}
    assert dict(DailyFigures.objects.values_list("day", "visits_held")) == expected
    services.figures_rebuild(as_of=AS_OF)
    assert dict(DailyFigures.objects.values_list("day", "visits_held")) == expected


def test_a_rebuild_in_batches_of_people_gives_the_same_figures(generated, monkeypatch):
    monkeypatch.setattr(services, "REBUILD_BATCH_PERSONS", 7)
    result = services.figures_rebuild(as_of=AS_OF)
    expected = expected_figures(AS_OF)
    assert result.rows == len(expected)
    assert stored() == expected


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
        # The database stops the run's SQL before the worker gives up on it.
        assert 30 * 60 <= services.ROLLUP_TIME_LIMIT < task.soft_time_limit


def _statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_a_rebuild_past_its_time_limit_stops_in_the_database_and_keeps_the_figures(
    generated, caplog
):
    # When only Celery's time limit stopped the task, the INSERT ran on in PostgreSQL for half
    # an hour: the run tells the database its time left, so the server stops the statement.
    services.figures_rebuild(as_of=AS_OF)
    before = stored()
    state = RollupState.objects.values().get(pk=1)
    usual = _statement_timeout()

    with (
        caplog.at_level(logging.ERROR, logger="stats.services"),
        pytest.raises(services.RollupTimedOut) as stopped,
    ):
        services.figures_rebuild(as_of=AS_OF + datetime.timedelta(days=1), time_limit=0)

    assert stopped.value.__cause__.__cause__.sqlstate == "57014"  # canceled by the server
    assert "stopped by the database" in caplog.text
    assert "time limit" in caplog.text
    assert stored() == before
    assert RollupState.objects.values().get(pk=1) == state
    assert _statement_timeout() == usual
    # An incremental run stops the same way; a run within its limit leaves no limit behind.
    with pytest.raises(services.RollupTimedOut):
        services.figures_update(as_of=AS_OF, time_limit=0)
    assert services.figures_update(as_of=AS_OF).full is False
    assert _statement_timeout() == usual
