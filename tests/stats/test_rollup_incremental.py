"""The incremental roll-up (per-person rows, stats.PersonFigures) gives exactly the figures of a
full rebuild, as stored and as shown through disclosure control, after changes of every kind;
and its work follows what changed, not the history of the people who changed."""

import datetime

import pytest
from django.utils import timezone

from baanbrekers.models import Municipality
from jobseekers.models import JobSeeker
from placements.models import DevelopmentPlacement, JobCheck, JobOutcome, Proposal
from stats import services
from stats.models import COUNT_FIELDS, DailyFigures, PersonFigures
from stats.selectors import Period, build_report
from visits.models import Visit

from .conftest import AS_OF, START

pytestmark = pytest.mark.django_db


def stored() -> dict:
    return {
        (row[0], row[1]): row[2:]
        for row in DailyFigures.objects.values_list("municipality_id", "day", *COUNT_FIELDS)
    }


def person_rows() -> set:
    return set(PersonFigures.objects.values_list("jobseeker_id", "day", "municipality_id"))


def shown() -> list:
    """What aldermen see (protected figures): every municipality and the region, two periods."""
    municipalities = list(Municipality.objects.filter(daily_figures__isnull=False).distinct())
    out = []
    for period in (Period.months(START, AS_OF), Period.months(AS_OF, AS_OF)):
        for area in [None, *municipalities]:
            report = build_report(
                period=period, area=area, visible=municipalities, region_name="Regio"
            )
            out.append(
                (
                    report.headlines,
                    report.estimates,
                    report.funnel,
                    report.routes,
                    report.trend,
                    report.comparison,
                    report.details,
                )
            )
    return out


def rebuilt(as_of=AS_OF) -> tuple:
    services.figures_rebuild(as_of=as_of)
    return stored(), person_rows(), shown()


@pytest.fixture
def no_overlap(monkeypatch):
    # Every row was made a moment ago; without the safety overlap only later changes count.
    monkeypatch.setattr(services, "WATERMARK_OVERLAP", datetime.timedelta(0))


def _touch(people: list[int]) -> None:
    JobSeeker.objects.filter(pk__in=people).update(updated_at=timezone.now())


def test_people_touched_without_a_change_recompute_no_days(generated, no_overlap):
    services.figures_rebuild(as_of=AS_OF)
    before = stored()
    people = list(JobSeeker.objects.values_list("pk", flat=True))
    _touch(people)  # every person "changed" (a status, a note): their figures did not

    result = services.figures_update(as_of=AS_OF)

    assert result.full is False
    assert stored() == before
    # Only the always-recomputed recent days, not the people's histories (2.5 years).
    assert result.days <= services.RECENT_DAYS + 1


def test_moves_and_changes_of_every_kind_equal_a_full_rebuild(
    generated, heusden, loon_op_zand, waalwijk, no_overlap
):
    services.figures_rebuild(as_of=AS_OF)
    people = JobSeeker.objects.filter(jobs__isnull=False).distinct().order_by("pk")
    # Moves: their whole history changes municipality, both ways.
    movers = list(people.filter(municipality=heusden)[:3])
    for person in movers:
        person.municipality = waalwijk
        person.save(update_fields=["municipality", "updated_at"])
    back = people.filter(municipality=waalwijk).exclude(pk__in=[p.pk for p in movers]).first()
    back.municipality = loon_op_zand
    back.save(update_fields=["municipality", "updated_at"])
    # The benefit that makes a first job count as outflow, and the day the person came in.
    other = people.exclude(benefit_type="none").last()
    other.benefit_type = "none"
    other.save(update_fields=["benefit_type", "updated_at"])
    JobSeeker.objects.filter(pk=people.first().pk).update(
        created_at=timezone.now() - datetime.timedelta(days=900), updated_at=timezone.now()
    )
    # A job's start moves a year back (the old day must lose it), a check is answered.
    job = JobOutcome.objects.order_by("pk")[5]
    job.start_date -= datetime.timedelta(days=365)
    job.save(update_fields=["start_date", "updated_at"])
    first = JobOutcome.objects.filter(checks__isnull=True).order_by("start_date").first()
    JobCheck.objects.create(
        job=first, months=6, checked_on=AS_OF, still_working=True, source="caseworker"
    )
    # A proposal answered, a placement ended, a held visit cancelled.
    proposal = Proposal.objects.filter(answered_at__isnull=True).first()
    if proposal is not None:
        proposal.answer = "interested"
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["answer", "answered_at"])
    placement = DevelopmentPlacement.objects.filter(
        started_on__isnull=False, ended_on__isnull=True
    ).first()
    if placement is not None:
        placement.status = "ended_early"
        placement.ended_on = AS_OF - datetime.timedelta(days=2)
        placement.save(update_fields=["status", "ended_on", "updated_at"])
    visit = Visit.objects.filter(status="held").order_by("starts_at").first()
    visit.status = "cancelled"
    visit.save(update_fields=["status", "updated_at"])

    result = services.figures_update(as_of=AS_OF)
    incremental = stored(), person_rows(), shown()

    assert result.full is False
    assert incremental == rebuilt()


def test_a_day_later_and_months_later_equal_a_full_rebuild(generated, no_overlap):
    services.figures_rebuild(as_of=AS_OF)
    day = AS_OF
    # Day by day across month ends (31 May and 30 May reach 6 months on 30 November alike),
    # then a jump of months: the retention figures follow the reference date.
    for step in [1] * 20 + [45, 200]:
        day += datetime.timedelta(days=step)
        services.figures_update(as_of=day)
    incremental = stored(), person_rows(), shown()
    assert incremental == rebuilt(day)


def test_a_deleted_person_leaves_the_figures_at_the_next_full_rebuild(generated, no_overlap):
    services.figures_rebuild(as_of=AS_OF)
    person = JobSeeker.objects.filter(jobs__isnull=False).first()
    person.delete()
    services.figures_rebuild(as_of=AS_OF)
    assert not PersonFigures.objects.filter(jobseeker_id=person.pk).exists()
