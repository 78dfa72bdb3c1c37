"""scripts/backup.sh with stand-in PostgreSQL programs (fast; the real dump and restore are in
tests/operations/test_backup_restore.py): the dump is the owner's only, and a failed dump
leaves no half-written file with personal data behind."""

import os
import stat
import subprocess
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]

FAKE = {
    "psql": "echo 150000\n",
    "pg_dump": (
        'case "$1" in --version) echo "pg_dump (PostgreSQL) 15.3"; exit 0;; esac\n'
        'for arg in "$@"; do case "$arg" in --file=*) out=${arg#--file=};; esac; done\n'
        'echo dump > "$out"\n'
        '[ -z "${FAKE_DUMP_FAILS:-}" ] || exit 3\n'
    ),
    "pg_restore": 'case "$1" in --version) echo "pg_restore (PostgreSQL) 15.3";; esac\n',
}


@pytest.fixture
def fake_bin(tmp_path):
    directory = tmp_path / "bin"
    directory.mkdir()
    for name, body in FAKE.items():
        program = directory / name
        program.write_text("#!/usr/bin/env bash\n" + body)
        program.chmod(0o755)
    return directory


def backup(fake_bin, target: Path, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "PG_BIN": str(fake_bin),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        **env,
    }
    return subprocess.run(
        ["bash", str(PROJECT_DIR / "scripts" / "backup.sh"), str(target)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd=target.parent,
    )


def test_the_dump_is_readable_by_its_owner_only(fake_bin, tmp_path):
    target = tmp_path / "out" / "b.dump"
    target.parent.mkdir()
    previous = os.umask(0o022)  # a usual umask: without care the dump is world-readable
    try:
        result = backup(fake_bin, target)
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_dump_leaves_no_partial_file(fake_bin, tmp_path):
    target = tmp_path / "b.dump"
    result = backup(fake_bin, target, FAKE_DUMP_FAILS="1")
    assert result.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


def test_the_password_is_never_on_a_command_line(fake_bin, tmp_path):
    # Every stand-in program writes its arguments and the PGPASSWORD it was given to a log.
    log = tmp_path / "argv.log"
    for program in fake_bin.iterdir():
        body = program.read_text().replace(
            "#!/usr/bin/env bash\n",
            '#!/usr/bin/env bash\necho "$(basename "$0") $* PGPASSWORD=${PGPASSWORD:-}" >> '
            f'"{log}"\n',
            1,
        )
        program.write_text(body)
    target = tmp_path / "b.dump"
    secret = "s3cr:et/@x"
    url = "postgresql://backup:s3cr%3Aet%2F%40x@127.0.0.1:1/none?sslmode=require"
    result = backup(fake_bin, target, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert {line.split()[0] for line in calls} >= {"psql", "pg_dump", "pg_restore"}
    dump = next(line for line in calls if line.startswith("pg_dump --format"))
    # The programs get the URL without the password, and the (decoded) password from the
    # environment.
    assert "--dbname=postgresql://backup@127.0.0.1:1/none?sslmode=require" in dump
    assert dump.endswith(f"PGPASSWORD={secret}")
    for line in calls:
        arguments = line.rsplit(" PGPASSWORD=", 1)[0]
        assert "s3cr" not in arguments
