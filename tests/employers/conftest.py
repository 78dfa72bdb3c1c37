import pytest

from employers.models import EmployerContact

from .factories import EmployerFactory


@pytest.fixture
def bakery_heusden(heusden):
    return EmployerFactory(
        trade_name="Bakkerij De Korenschoof",
        kvk_number="11111111",
        postcode="5251 AB",
        city="Vlijmen",
        municipality=heusden,
    )


@pytest.fixture
def metal_waalwijk(waalwijk):
    return EmployerFactory(
        trade_name="Metaalwerkplaats Van Dongen",
        kvk_number="22222222",
        postcode="5141 GD",
        city="Waalwijk",
        municipality=waalwijk,
        story_what="Laswerk en constructies voor de schoenmachinebouw.",
    )


@pytest.fixture
def contact_a_at_bakery(employer_contact_a, bakery_heusden):
    """Eva (employer contact a) works at the bakery; Bram (b) at the metal workshop."""
    return EmployerContact.objects.create(
        employer=bakery_heusden, name="Eva", user=employer_contact_a
    )


@pytest.fixture
def contact_b_at_metal(employer_contact_b, metal_waalwijk):
    return EmployerContact.objects.create(
        employer=metal_waalwijk, name="Bram", user=employer_contact_b
    )
