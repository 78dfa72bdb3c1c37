import pytest


@pytest.fixture
def caseworker(caseworker_heusden):
    return caseworker_heusden
