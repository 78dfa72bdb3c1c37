import pytest

from tests.jobseekers.factories import JobSeekerFactory


@pytest.fixture
def heusden_person(heusden):
    return JobSeekerFactory(
        first_name="Ricardo",
        last_name="van Dongen",
        municipality=heusden,
        postcode="5251 AB",
        bsn="111222333",
        skills=["koken"],
        interests=["sleutelen aan brommers"],
    )


@pytest.fixture
def waalwijk_person(waalwijk):
    return JobSeekerFactory(
        first_name="Sanne", last_name="Verhoeven", municipality=waalwijk, postcode="5141 CD"
    )
