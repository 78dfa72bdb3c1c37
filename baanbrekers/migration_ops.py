"""Migration operations for PostgreSQL extensions that not every server ships.

The embedded PostgreSQL of `make run` (pgserver) comes without contrib extensions such as
pg_trgm. Search still works there, by sequential scan; the indexes that need an extension are
made wherever it is available (production, CI, the servers on a developer's machine).
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations


def _has_extension(schema_editor, name: str, *, available: bool = False) -> bool:
    table, column = (
        ("pg_available_extensions", "name") if available else ("pg_extension", "extname")
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = %s", [name])  # noqa: S608
        return cursor.fetchone() is not None


class CreateExtensionIfAvailable(migrations.RunSQL):
    """CREATE EXTENSION when the server has it; otherwise a no-op."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            sql=f"CREATE EXTENSION IF NOT EXISTS {name}", reverse_sql=migrations.RunSQL.noop
        )

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.name], {})

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _has_extension(schema_editor, self.name, available=True):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create extension {self.name} where available"


class _IfExtension:
    """An index operation that runs only where the server has ``extension`` (e.g. a
    gin_trgm_ops index needs pg_trgm)."""

    def __init__(self, model_name, index, extension: str):
        self.extension = extension
        super().__init__(model_name, index)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        kwargs["extension"] = self.extension
        return self.__class__.__qualname__, args, kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _has_extension(schema_editor, self.extension):
            super().database_forwards(app_label, schema_editor, from_state, to_state)


class AddIndexIfExtension(_IfExtension, migrations.AddIndex):
    """AddIndex for an index that needs an extension."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.index.name)}")


class AddIndexConcurrentlyIfExtension(_IfExtension, AddIndexConcurrently):
    """``AddIndexIfExtension``, built CONCURRENTLY (the migration needs ``atomic = False``): the
    table is not locked against writes while the index is made."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        name = schema_editor.quote_name(self.index.name)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
