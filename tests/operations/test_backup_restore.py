"""Backup and restore (scripts/backup.sh, scripts/restore.sh): a dump restored into a fresh
database still decrypts every BSN with the keys, and its audit log is the same, row for row."""

import datetime
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from baanbrekers.models import AuditEvent
from jobseekers import services
from jobseekers.models import JobSeeker

# Slow: three programs and a Django process start, a database is made and dropped.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parents[2]
BSNS = ["111222333", "123456782", "100000009"]

# Run in a process on the restored database: what it holds, as JSON.
READ_BACK = """
import io, json
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from baanbrekers.models import AuditEvent
from jobseekers.models import JobSeeker
call_command("migrate", check=True, verbosity=0)  # exits 1 if a migration is missing
rotation = io.StringIO()
call_command("rotate_encryption_keys", dry_run=True, stdout=rotation)
print(json.dumps({
    "bsns": {str(p.pk): p.reveal_bsn() for p in JobSeeker.objects.all()},
    "audit": list(AuditEvent.objects.order_by("pk").values()),
    "rotation": rotation.getvalue(),
}, cls=DjangoJSONEncoder))
"""


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(command, **env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


def drop_database(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_name():
    name = f"bb_restore_{uuid.uuid4().hex[:10]}"
    yield name
    drop_database(name)


def test_a_restored_dump_decrypts_every_bsn_and_keeps_the_audit_log(
    tmp_path, restored_name, caseworker_heusden, heusden
):
    people = [
        services.jobseeker_create(
            user=caseworker_heusden,
            bsn=bsn,
            data={
                "first_name": "Proef",
                "last_name": f"Persoon {i}",
                "birth_date": datetime.date(1990, 1, 2),
                "postcode": "5251 AB",
                "municipality": heusden,
                "ladder_step": 2,
            },
        )
        for i, bsn in enumerate(BSNS)
    ]
    for person in people:
        services.jobseeker_reveal_bsn(jobseeker=person, user=caseworker_heusden)
    audit = json.loads(
        json.dumps(list(AuditEvent.objects.order_by("pk").values()), cls=DjangoJSONEncoder)
    )
    assert len(audit) >= 2 * len(BSNS), "creating and revealing are audited"

    source = database_url(connection.settings_dict["NAME"])
    dump = tmp_path / "baanbrekers.dump"
    run(["scripts/backup.sh", str(dump)], DATABASE_URL=source)
    assert dump.stat().st_size > 0

    target = database_url(restored_name)
    restored = run(["scripts/restore.sh", str(dump), target])
    assert f"into {restored_name}" in restored.stdout
    # A restore never overwrites: the same target again is refused.
    again = subprocess.run(
        ["scripts/restore.sh", str(dump), target], cwd=PROJECT_DIR, capture_output=True, text=True
    )
    assert again.returncode != 0 and "already exists" in again.stderr

    # The platform, pointed at the restored database with the same keys: every migration is
    # there, every BSN decrypts, every encrypted value reads with these keys.
    read = run([sys.executable, "manage.py", "shell", "-c", READ_BACK], DATABASE_URL=target)
    found = json.loads(read.stdout.strip().splitlines()[-1])
    assert found["bsns"] == {str(p.pk): bsn for p, bsn in zip(people, BSNS, strict=True)}
    assert found["audit"] == audit
    assert "3 rows, 0 would be re-encrypted, 3 already on the first key" in found["rotation"]
    assert "0 unreadable" in found["rotation"]
    assert JobSeeker.objects.count() == len(BSNS)  # the source was only read
