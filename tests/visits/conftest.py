import pytest

from .factories import EmployerFactory, VisitFactory


@pytest.fixture
def employer(heusden):
    return EmployerFactory(municipality=heusden)


@pytest.fixture
def visit(employer, caseworker_heusden, alderman):
    visit = VisitFactory(employer=employer, planned_by=caseworker_heusden)
    visit.staff.create(user=caseworker_heusden)
    visit.staff.create(user=alderman)
    return visit
