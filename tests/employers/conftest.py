import pytest

from tests.employers.factories import EmployerContactFactory


# ``bakery_heusden`` and ``metal_waalwijk`` are shared with other apps' tests: tests/conftest.py.
@pytest.fixture
def contact_a_at_bakery(employer_contact_a, bakery_heusden):
    """Eva (employer contact a) works at the bakery; Bram (b) at the metal workshop."""
    return EmployerContactFactory(employer=bakery_heusden, user=employer_contact_a, name="Eva")


@pytest.fixture
def contact_b_at_metal(employer_contact_b, metal_waalwijk):
    return EmployerContactFactory(employer=metal_waalwijk, user=employer_contact_b, name="Bram")
