import pytest

from .factories import EmployerFactory, JobSeekerFactory, OpeningFactory, make_placement


@pytest.fixture
def workshop(waalwijk):
    employer = EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        postcode="5141 GD",
        municipality=waalwijk,
        story_what="Wij repareren machines.",
    )
    return OpeningFactory(
        employer=employer, title="Ontwikkelplek werkplaats", competences=["lassen"]
    )


@pytest.fixture
def heusden_person(heusden):
    """A job seeker of Heusden (Vlijmen), within reach of Waalwijk."""
    return JobSeekerFactory(
        first_name="Ahmed",
        last_name="Heusdens",
        municipality=heusden,
        postcode="5251 AB",
        max_travel_km=25,
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )


@pytest.fixture
def waalwijk_person(waalwijk):
    return JobSeekerFactory(
        first_name="Wendy",
        last_name="Waalwijks",
        municipality=waalwijk,
        postcode="5141 AA",
        skills=["lassen"],
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
            opening=OpeningFactory(employer=workshop.employer),
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
