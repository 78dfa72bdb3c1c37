import pytest


@pytest.fixture
def vocabulary(db):
    """The base skills vocabulary (a migration loads it; a flushed transactional test may not
    have it any more)."""
    from baanbrekers.vocabulary import vocabulary_load

    vocabulary_load()


@pytest.fixture
def world(coordinator, caseworker_heusden, vocabulary):
    """A coordinator who imports, a caseworker to assign, the three municipalities."""
    return {"coordinator": coordinator, "caseworker": caseworker_heusden}
