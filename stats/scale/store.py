"""Writing rows in bulk with PostgreSQL COPY, and the progress table that makes runs resumable.

A chunk's rows are collected per table (``Rows``), then written with one ``COPY ... FROM STDIN``
per table through psycopg 3's ``cursor.copy()``, in one transaction together with the chunk's row
in ``scale_seed_chunk``: a chunk is either wholly there and marked done, or not there at all.
Django's foreign keys are deferred constraints, so the order of the tables inside the
transaction does not matter.

Columns a generator does not give get the model field's default (so a column added later with a
default needs no change here); ``auto_now`` columns get the moment the generator chose.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

from django.db import connection, models, transaction

PROGRESS_DDL = """
CREATE TABLE IF NOT EXISTS scale_seed_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS scale_seed_chunk (
    phase text NOT NULL,
    chunk integer NOT NULL,
    rows bigint NOT NULL,
    done_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (phase, chunk)
);
"""


def progress_tables_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(PROGRESS_DDL)


def meta_get(key: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM scale_seed_meta WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def meta_set(key: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO scale_seed_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, value],
        )


def chunks_done(phase: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT chunk FROM scale_seed_chunk WHERE phase = %s", [phase])
        return {row[0] for row in cursor.fetchall()}


def _copyable(f: models.Field):
    """The value COPY writes for a column nobody gave: the field's default (JSON as text)."""
    if not f.has_default():
        return None if f.null else ""
    value = f.get_default()
    return json.dumps(value) if isinstance(value, dict | list) else value


# Date-time columns that say when something will happen rather than when it was recorded.
APPOINTMENTS = frozenset({"starts_at"})


class Table:
    """One model's table as COPY sees it: the columns a generator gives, in its order, followed by
    every other column with its default."""

    def __init__(self, model: type[models.Model], given: list[str]):
        self.model = model
        self.db_table = model._meta.db_table
        by_name = {}
        for f in model._meta.concrete_fields:
            by_name[f.name] = f
            by_name[f.attname] = f
        self.given = [by_name[name].column for name in given]
        # The given columns that record when something was written (created, updated, answered):
        # never later than the moment the data set describes (``Rows``). A planned visit's start
        # is an appointment, not a record, and may lie ahead.
        self.recorded = tuple(
            i
            for i, name in enumerate(given)
            if isinstance(by_name[name], models.DateTimeField) and name not in APPOINTMENTS
        )
        tail_fields = [
            f
            for f in model._meta.concrete_fields
            if f.column not in self.given and not f.primary_key
        ]
        for f in tail_fields:
            if not (f.has_default() or f.null or f.blank):
                raise ValueError(f"{self.db_table}.{f.column}: no value and no default")
        self.tail_columns = [f.column for f in tail_fields]
        self.tail = tuple(_copyable(f) for f in tail_fields)
        columns = ", ".join(f'"{c}"' for c in self.given + self.tail_columns)
        self.sql = f'COPY "{self.db_table}" ({columns}) FROM STDIN'


class Rows:
    """The rows of one chunk, per table, written together by ``write``."""

    def __init__(self, now: datetime.datetime):
        self.rows: dict[Table, list[tuple]] = defaultdict(list)
        self.now = now

    def add(self, table: Table, *values) -> None:
        """One row; a recorded moment after ``now`` (a sign-up days before a planned visit, a
        report on a visit held today) is moved back to ``now``: a synthetic history ends where
        the data set was made, so nothing looks changed to the next incremental roll-up."""
        if table.recorded:
            now = self.now
            if any(values[i] is not None and values[i] > now for i in table.recorded):
                values = tuple(
                    now if i in table.recorded and v is not None and v > now else v
                    for i, v in enumerate(values)
                )
        self.rows[table].append(values)

    def counts(self) -> dict[str, int]:
        return {t.db_table: len(r) for t, r in self.rows.items()}

    def write(self, phase: str, chunk: int, *, skip_fk_checks: bool = False) -> int:
        """COPY every table's rows and mark the chunk done, in one transaction.

        ``skip_fk_checks`` turns off the foreign-key triggers for this transaction (as
        ``pg_restore --disable-triggers`` does; PostgreSQL superuser only): about a third of the
        time, for rows whose references are right by construction (``plan``)."""
        total = 0
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor  # the psycopg cursor under Django's wrapper
            if skip_fk_checks:
                wrapper.execute("SET LOCAL session_replication_role = replica")
            for table, rows in self.rows.items():
                tail = table.tail
                with cursor.copy(table.sql) as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                total += len(rows)
            wrapper.execute(
                "INSERT INTO scale_seed_chunk (phase, chunk, rows) VALUES (%s, %s, %s)",
                [phase, chunk, total],
            )
        return total
