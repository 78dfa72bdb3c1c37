import pytest

from tests.employers.factories import EmployerFactory
from tests.visits.factories import VisitFactory


@pytest.fixture
def employer(heusden):
    return EmployerFactory(municipality=heusden, bakery=True)


@pytest.fixture
def visit(employer, caseworker_heusden, alderman):
    visit = VisitFactory(employer=employer, planned_by=caseworker_heusden)
    visit.staff.create(user=caseworker_heusden)
    visit.staff.create(user=alderman)
    return visit


@pytest.fixture
def caseworker_heusden_2(heusden):
    from baanbrekers.models import Role
    from tests.users import make_user

    return make_user("henk@heusden.example.org", Role.CASEWORKER, [heusden], first_name="Henk")
