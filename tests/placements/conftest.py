import pytest

from baanbrekers.services import skills_from_names
from jobseekers.models import ConsentKind
from tests.employers.factories import OpeningFactory
from tests.jobseekers.factories import ConsentFactory
from tests.placements.factories import make_placement

PIPELINE_CONSENTS = (ConsentKind.SHARE_PROFILE, ConsentKind.INTRODUCTION)


@pytest.fixture
def heusden_person(heusden_person):
    """The shared Heusden person (tests/conftest.py), who in the pipeline's tests has consented
    to sharing a profile and to introductions, as proposals need."""
    for kind in PIPELINE_CONSENTS:
        ConsentFactory(jobseeker=heusden_person, kind=kind)
    return heusden_person


@pytest.fixture
def waalwijk_person(waalwijk_person):
    """The shared Waalwijk person, a welder here, with the same consents."""
    waalwijk_person.skills.set(skills_from_names(["lassen"]))
    for kind in PIPELINE_CONSENTS:
        ConsentFactory(jobseeker=waalwijk_person, kind=kind)
    return waalwijk_person


@pytest.fixture
def workshop(metal_waalwijk):
    """A development placement at the Waalwijk metal workshop, wanting welders."""
    return OpeningFactory(
        employer=metal_waalwijk,
        placement=True,
        title="Ontwikkelplek werkplaats",
        competences=["lassen"],
    )


@pytest.fixture
def records(coordinator, heusden_person, waalwijk_person, workshop):
    """One of everything for a Heusden person and a Waalwijk person."""
    from placements import services

    out = {}
    for key, person in (("heusden", heusden_person), ("waalwijk", waalwijk_person)):
        proposal = services.proposal_create(
            jobseeker=person, opening=workshop, proposed_by=coordinator
        )
        placement = make_placement(
            user=coordinator,
            jobseeker=person,
            opening=OpeningFactory(employer=workshop.employer, placement=True),
            status="active",
        )
        job = services.job_outcome_record(
            jobseeker=person,
            employer_name="Elders BV",
            contract_type="fixed_term",
            hours_per_week=20,
            start_date=placement.start_date,
            route="direct",
            recorded_by=coordinator,
        )
        pairing = services.buddy_pairing_create(
            jobseeker=person,
            buddy_name="Henk",
            goals="Netwerk",
            start_date=placement.start_date,
            created_by=coordinator,
        )
        out[key] = {"proposal": proposal, "placement": placement, "job": job, "buddy": pairing}
    return out
