import pytest

from placements.models import Proposal
from tests.employers.factories import EmployerContactFactory, EmployerFactory, OpeningFactory
from tests.jobseekers.factories import JobSeekerFactory


@pytest.fixture
def company_a(heusden, employer_contact_a):
    employer = EmployerFactory(
        trade_name="Bakkerij Van Aken", municipality=heusden, postcode="5251 AB", city="Vlijmen"
    )
    EmployerContactFactory(employer=employer, user=employer_contact_a, name="Eva Bakker")
    return employer


@pytest.fixture
def company_b(waalwijk, employer_contact_b):
    employer = EmployerFactory(
        trade_name="Metaal Brouwer", municipality=waalwijk, postcode="5141 AA", city="Waalwijk"
    )
    EmployerContactFactory(employer=employer, user=employer_contact_b, name="Bram Brouwer")
    return employer


@pytest.fixture
def opening_a(company_a):
    return OpeningFactory(employer=company_a, kind="vacancy", title="Inpakker broodafdeling")


@pytest.fixture
def opening_b(company_b):
    return OpeningFactory(employer=company_b, kind="vacancy", title="Lasser")


@pytest.fixture
def proposal_a(opening_a, caseworker_heusden):
    return Proposal.objects.create(
        jobseeker=JobSeekerFactory(sensitive=True),
        opening=opening_a,
        proposed_by=caseworker_heusden,
        motivation="Werkt nauwkeurig en is altijd op tijd.",
    )


@pytest.fixture
def proposal_b(opening_b, caseworker_waalwijk):
    return Proposal.objects.create(
        jobseeker=JobSeekerFactory(
            sensitive=True, first_name="Gerrit", last_name="Heijmans", bsn=None
        ),
        opening=opening_b,
        proposed_by=caseworker_waalwijk,
    )
