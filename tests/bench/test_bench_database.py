"""The bench drops and re-creates its own databases only: a ``--database-url`` that names any
other database (the platform's own, by mistake) must not lose it."""

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bench.runner import database_create, is_bench_database


def test_only_names_ending_in_bench_and_a_size_are_bench_databases():
    assert is_bench_database("baanbrekers_bench_national")
    assert is_bench_database("bb_x_bench_tiny")
    assert not is_bench_database("bb_bench_nightly")
    assert not is_bench_database("baanbrekers")
    assert not is_bench_database("baanbrekers_bench_")
    assert not is_bench_database("_bench_region")


@pytest.fixture
def foreign_database():
    """A database with a table in it, not made by the bench and without bench secrets."""
    base = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/baanbrekers")
    parts = urlsplit(base)
    name = f"bb_kept_{uuid.uuid4().hex[:8]}_bench_copy"
    admin = urlunsplit(parts._replace(path="/postgres"))
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int)")
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_database_the_bench_did_not_make_is_never_dropped(foreign_database):
    with pytest.raises(SystemExit, match="was not made by the bench"):
        database_create(foreign_database)
    with psycopg.connect(foreign_database) as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)
