"""Lint the project's migrations that are newer than the baseline with django-migration-linter.

    python scripts/migrations_lint.py            # make migrations-lint (database from the env)
    python scripts/migrations_lint.py --all      # every migration of the project, baseline or not

A backward-incompatible migration (a dropped or renamed column, a NOT NULL column without a
database default, ...) breaks the code that still runs during a rolling deploy. The migrations
listed in .ci/migrations-baseline.txt are history, applied wherever the platform runs; the few of
them that the linter flags carry the reason they were accepted there. Any other migration of the
project's apps is linted and an error fails the check. A deliberate incompatible migration is
accepted by adding its line to the baseline with a reason, in the same change.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASELINE = PROJECT_DIR / ".ci" / "migrations-baseline.txt"


def baseline_read(path: Path = BASELINE) -> set[str]:
    """Migration paths (relative to the project) of the baseline; text after '#' is the reason."""
    paths = set()
    for line in path.read_text().splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            paths.add(entry)
    return paths


def project_migrations() -> list[str]:
    """Migration files of the project's own apps (not the installed third-party ones)."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        app_dir = Path(config.path).resolve()
        # The virtual environment may live inside the project (.venv): its apps are not ours.
        if PROJECT_DIR not in app_dir.parents or "site-packages" in app_dir.parts:
            continue
        for file in sorted((app_dir / "migrations").glob("[0-9]*.py")):
            found.append(file.relative_to(PROJECT_DIR).as_posix())
    return found


def database_ensure() -> None:
    """The linter asks the database for each migration's SQL (sqlmigrate); on a fresh machine
    (CI) the configured database may not exist yet: it is created, empty (nothing is applied)."""
    import psycopg
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
        return
    except OperationalError:
        pass
    params = connection.get_connection_params()
    name = params.pop("dbname")
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="lint the baseline too")
    parser.add_argument("--baseline", type=Path, default=BASELINE, help="another baseline file")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(PROJECT_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baanbrekers.settings.test")
    import django

    django.setup()
    from django_migration_linter import MigrationLinter

    migrations = project_migrations()
    baseline = set() if args.all else baseline_read(args.baseline)
    gone = sorted(baseline - set(migrations))
    if gone:
        print(f"baseline names migrations that do not exist: {gone}", file=sys.stderr)
        return 2
    new = [m for m in migrations if m not in baseline]
    print(
        f"{len(migrations)} migrations, {len(migrations) - len(new)} in the baseline, "
        f"{len(new)} to lint"
    )
    if not new:
        return 0
    database_ensure()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        # The linter reads app label and name from paths like <anything>/migrations/NAME.py.
        listing.write("\n".join(str(PROJECT_DIR / m) for m in new) + "\n")
    try:
        linter = MigrationLinter(str(PROJECT_DIR), no_cache=True)
        linter.lint_all_migrations(migrations_file_path=listing.name)
        linter.print_summary()
    finally:
        os.unlink(listing.name)
    return 1 if linter.has_errors else 0


if __name__ == "__main__":
    sys.exit(main())
