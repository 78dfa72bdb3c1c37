"""Double work is impossible even when two people click at the same moment (real PostgreSQL,
real threads, real transactions)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from placements import services
from placements.models import DevelopmentPlacement
from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import make_placement

pytestmark = pytest.mark.django_db(transaction=True)


def race(calls):
    """Runs the calls at the same moment in threads; returns (successes, refusals)."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("ok")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return [r for r in results if r == "ok"], [r for r in results if r != "ok"]


def test_two_caseworkers_agreeing_the_last_place_at_once(caseworker_heusden):
    user = caseworker_heusden
    opening = OpeningFactory(places=2)
    make_placement(user=user, opening=opening, status="agreed")
    contenders = []
    for _ in range(4):
        p = make_placement(user=user, opening=opening, status="proposed")
        contenders.append(
            services.placement_confirm_no_displacement(placement=p, note="ok", checked_by=user)
        )
    ok, refused = race(
        [lambda p=p: services.placement_agree(placement=p, agreed_by=user) for p in contenders]
    )
    assert len(ok) == 1 and len(refused) == 3
    assert all("plaatsen van deze vacature zijn bezet" in r for r in refused)
    assert DevelopmentPlacement.objects.filter(opening=opening, status="agreed").count() == 2


def test_two_placements_of_one_person_starting_at_once(caseworker_heusden):
    user = caseworker_heusden
    person = JobSeekerFactory(consenting=True)
    agreed = [make_placement(user=user, jobseeker=person, status="agreed") for _ in range(3)]
    ok, refused = race(
        [lambda p=p: services.placement_start(placement=p, started_by=user) for p in agreed]
    )
    assert len(ok) == 1 and len(refused) == 2
    assert all("heeft al een lopende ontwikkelplek" in r for r in refused)
    assert DevelopmentPlacement.objects.filter(jobseeker=person, status="active").count() == 1


def test_a_person_moving_while_a_placement_is_written_takes_it_along(heusden, waalwijk):
    """A placement is written (its person's municipality copied, placements.models
    OWN_MUNICIPALITY) while another caseworker moves the person: the move waits for the write
    and takes the new row along. Without that the row kept the old municipality for good, its
    person's name on the old municipality's board."""
    import time

    from django.db import transaction

    from jobseekers.models import JobSeeker
    from tests.placements.factories import PlacementFactory

    template = PlacementFactory(
        jobseeker=JobSeekerFactory(municipality=heusden), status="ended_early"
    )
    person = JobSeekerFactory(municipality=heusden)
    written, moving = threading.Event(), threading.Event()
    new_row = []

    def write():
        try:
            with transaction.atomic():
                row = DevelopmentPlacement.objects.get(pk=template.pk)
                row.pk, row._state.adding, row.jobseeker_id = None, True, person.pk
                row.save()
                new_row.append(row.pk)
                written.set()
                moving.wait(10)
                time.sleep(0.5)  # the move has started and must wait for this commit
        finally:
            connection.close()

    def move():
        try:
            written.wait(10)
            moving.set()
            JobSeeker.objects.filter(pk=person.pk).update(municipality=waalwijk)
        finally:
            connection.close()

    threads = [threading.Thread(target=write), threading.Thread(target=move)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    stored = DevelopmentPlacement.objects.filter(pk=new_row[0]).values_list(
        "municipality_id", flat=True
    )
    assert list(stored) == [waalwijk.pk]
