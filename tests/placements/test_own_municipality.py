"""Proposals and placements hold their job seeker's municipality (placements.models
OWN_MUNICIPALITY), kept by the database (migration 0011's triggers) whoever writes the row: the
back office's scope reads it, so it must never differ from the person's."""

import pytest
from django.db import IntegrityError, connection, transaction

from jobseekers.models import JobSeeker
from placements.models import DevelopmentPlacement, Proposal
from tests.jobseekers.factories import JobSeekerFactory
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def _stored(model, pk) -> int | None:
    return model.objects.filter(pk=pk).values_list("municipality_id", flat=True).get()


def _visible(model, user) -> set[int]:
    return set(model.objects.visible_to(user).values_list("pk", flat=True))


def test_every_way_of_writing_a_row_stores_the_persons_municipality(
    records, heusden, waalwijk, heusden_person, waalwijk_person
):
    # Through the services (records: proposal_create, make_placement)...
    for key, place in (("heusden", heusden), ("waalwijk", waalwijk)):
        assert _stored(Proposal, records[key]["proposal"].pk) == place.pk
        assert _stored(DevelopmentPlacement, records[key]["placement"].pk) == place.pk
    # ... a plain save, bulk_create and raw SQL alike.
    saved = PlacementFactory(jobseeker=JobSeekerFactory(municipality=waalwijk), status="proposed")
    assert _stored(DevelopmentPlacement, saved.pk) == waalwijk.pk
    [bulk] = DevelopmentPlacement.objects.bulk_create(
        [PlacementFactory.build(jobseeker=heusden_person, status="proposed",
                                employer=saved.employer, supervisor=saved.supervisor)]
    )  # fmt: skip
    assert _stored(DevelopmentPlacement, bulk.pk) == heusden.pk
    # A value written on purpose (or the None of an instance saved again) is corrected.
    DevelopmentPlacement.objects.filter(pk=saved.pk).update(municipality=heusden)
    assert _stored(DevelopmentPlacement, saved.pk) == waalwijk.pk
    # A full save sends the instance's value (never read back): the row keeps its own.
    saved.hours_per_week = 20
    saved.save()
    assert _stored(DevelopmentPlacement, saved.pk) == waalwijk.pk
    # Moving a row to another person moves it to their municipality.
    DevelopmentPlacement.objects.filter(pk=bulk.pk).update(jobseeker=waalwijk_person)
    assert _stored(DevelopmentPlacement, bulk.pk) == waalwijk.pk


def test_rows_follow_a_person_who_moves(
    records, heusden, waalwijk, heusden_person, caseworker_heusden, caseworker_waalwijk
):
    proposal = records["heusden"]["proposal"].pk
    placement = records["heusden"]["placement"].pk
    assert proposal in _visible(Proposal, caseworker_heusden)
    assert placement in _visible(DevelopmentPlacement, caseworker_heusden)
    assert placement not in _visible(DevelopmentPlacement, caseworker_waalwijk)
    # Ricardo moves to Waalwijk (a save as the file form does, and a bulk update alike).
    heusden_person.municipality = waalwijk
    heusden_person.postcode = "5141 AB"
    heusden_person.save(update_fields=["municipality", "postcode"])
    assert _stored(Proposal, proposal) == waalwijk.pk
    assert _stored(DevelopmentPlacement, placement) == waalwijk.pk
    assert placement in _visible(DevelopmentPlacement, caseworker_waalwijk)
    assert proposal in _visible(Proposal, caseworker_waalwijk)
    assert placement not in _visible(DevelopmentPlacement, caseworker_heusden)
    assert proposal not in _visible(Proposal, caseworker_heusden)
    JobSeeker.objects.filter(pk=heusden_person.pk).update(municipality=heusden)
    assert _stored(DevelopmentPlacement, placement) == heusden.pk
    # The other person's rows stayed where they were.
    assert _stored(DevelopmentPlacement, records["waalwijk"]["placement"].pk) == waalwijk.pk


def test_no_row_is_without_its_persons_municipality(records):
    """The invariant the scope relies on, checked over the whole tables."""
    with connection.cursor() as cursor:
        for table in ("placements_proposal", "placements_developmentplacement"):
            cursor.execute(
                f"SELECT count(*) FROM {table} r JOIN jobseekers_jobseeker j "  # noqa: S608
                "ON j.id = r.jobseeker_id "
                "WHERE r.municipality_id IS DISTINCT FROM j.municipality_id"
            )
            assert cursor.fetchone()[0] == 0, table
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone()[0] >= 2, table


def test_rows_written_before_their_person_get_it_when_the_person_arrives(heusden, waalwijk):
    """A bulk load (deferred foreign keys, one transaction) may write a person's rows first: a
    row given a value keeps it until the person is written, then the person's is set; a row
    with neither is refused, never stored out of every caseworker's sight."""
    saved = PlacementFactory(jobseeker=JobSeekerFactory(municipality=heusden), status="proposed")

    def copy_for(person_id, municipality_id):
        row = DevelopmentPlacement.objects.get(pk=saved.pk)
        row.pk, row._state.adding = None, True
        row.jobseeker_id, row.municipality_id = person_id, municipality_id
        row.save()
        return row.pk

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('jobseekers_jobseeker', 'id'))")
        person_id = cursor.fetchone()[0]
        early = copy_for(person_id, heusden.pk)
        assert _stored(DevelopmentPlacement, early) == heusden.pk  # as given, for now
        JobSeekerFactory(id=person_id, municipality=waalwijk)
        assert _stored(DevelopmentPlacement, early) == waalwijk.pk  # the person's
    with pytest.raises(IntegrityError, match="municipality_id"), transaction.atomic():
        copy_for(person_id + 1000, None)
