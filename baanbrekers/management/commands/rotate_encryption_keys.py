"""Re-encrypt every encrypted column with the first of FIELD_ENCRYPTION_KEYS, so older keys can go.

    FIELD_ENCRYPTION_KEYS=NEW,OLD manage.py rotate_encryption_keys --dry-run   # what it would do
    FIELD_ENCRYPTION_KEYS=NEW,OLD manage.py rotate_encryption_keys             # do it
    BLIND_INDEX_KEY=NEW manage.py rotate_encryption_keys --blind-index         # new keyed hashes

Every column named ``<name>_encrypted`` on any model is found (the naming rule of
baanbrekers/crypto.py), so a new encrypted column is covered without touching this command.

Batches of ``--batch-size`` rows, each in its own transaction with the rows locked, so a person
changing a BSN at the same moment is either before or after the batch. A value that the first key
already reads is left alone, which makes the command resumable: stopped half-way, run it again.
Only the encrypted (and hash) column is written: ``updated_at`` does not move, so the retention
rule's "no activity since" is unaffected.

A value that no key can read is reported (model and primary key) and left exactly as it is; the
command then fails, and the old key must stay until that row is understood.

``--blind-index`` also recomputes ``<name>_hash`` from the decrypted value under the current
BLIND_INDEX_KEY. The old blind-index key is not needed: the value itself is recovered from the
encrypted column. Until the command has finished, a search by BSN does not find the rows it has
not reached yet (and cannot warn about a duplicate among them): run it in a quiet hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from baanbrekers import crypto

SUFFIX = "_encrypted"


@dataclass
class Column:
    model: type[models.Model]
    name: str
    hash_name: str | None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"


@dataclass
class Tally:
    rows: int = 0
    empty: int = 0
    current: int = 0
    reencrypted: int = 0
    rehashed: int = 0
    unreadable: list[object] = field(default_factory=list)


def encrypted_columns() -> list[Column]:
    """Every ``<name>_encrypted`` column of every installed model, with its ``<name>_hash``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for name in sorted(n for n in names if n.endswith(SUFFIX)):
            hash_name = name[: -len(SUFFIX)] + "_hash"
            found.append(Column(model, name, hash_name if hash_name in names else None))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted column with the first key of FIELD_ENCRYPTION_KEYS (in "
        "batches, resumable); with --blind-index also recomputes the keyed hashes under "
        "BLIND_INDEX_KEY. Fails, changing nothing of it, on a value no key can read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction.")
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="Also recompute each <name>_hash from the decrypted value with BLIND_INDEX_KEY.",
        )

    def handle(self, *args, dry_run=False, batch_size=500, blind_index=False, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        columns = encrypted_columns()
        if not columns:
            raise CommandError(f"No column named *{SUFFIX} found: nothing to rotate.")
        unreadable = []
        for column in columns:
            tally = self._rotate(column, dry_run, batch_size, blind_index)
            would = "would be " if dry_run else ""
            parts = [
                f"{tally.rows} rows",
                f"{tally.reencrypted} {would}re-encrypted",
                f"{tally.current} already on the first key",
                f"{tally.empty} empty",
            ]
            if blind_index and column.hash_name:
                parts.append(f"{tally.rehashed} hashes {would}recomputed")
            parts.append(f"{len(tally.unreadable)} unreadable")
            self.stdout.write(f"{column.label}: " + ", ".join(parts))
            unreadable += [(column, pk) for pk in tally.unreadable]
        if unreadable:
            listed = ", ".join(f"{c.label} pk={pk}" for c, pk in unreadable[:20])
            more = f" and {len(unreadable) - 20} more" if len(unreadable) > 20 else ""
            raise CommandError(
                f"{len(unreadable)} value(s) could not be decrypted with any key in "
                f"FIELD_ENCRYPTION_KEYS: {listed}{more}. They are left unchanged; keep the old "
                "key(s) until these rows are understood."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    "Done: every encrypted value is on the first key; the other keys can be "
                    "removed from FIELD_ENCRYPTION_KEYS."
                )
            )

    def _rotate(self, column: Column, dry_run: bool, batch_size: int, blind_index: bool) -> Tally:
        model, tally = column.model, Tally()
        rehash = blind_index and column.hash_name is not None
        fields = ["pk", column.name] + ([column.hash_name] if rehash else [])
        last_pk = None
        while True:
            with transaction.atomic():
                batch = model._base_manager.order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                if not dry_run:
                    batch = batch.select_for_update(of=("self",))
                rows = list(batch.only(*fields)[:batch_size])
                if not rows:
                    return tally
                last_pk = rows[-1].pk
                changed = self._batch(column, rows, tally, rehash)
                if changed and not dry_run:
                    update = [column.name] + ([column.hash_name] if rehash else [])
                    model._base_manager.bulk_update(changed, update)

    def _batch(self, column: Column, rows: list, tally: Tally, rehash: bool) -> list:
        changed = []
        for row in rows:
            tally.rows += 1
            token = getattr(row, column.name)
            if not token:
                tally.empty += 1
                continue
            dirty = False
            try:
                if crypto.is_current(token):
                    tally.current += 1
                else:
                    setattr(row, column.name, crypto.reencrypt(token))
                    tally.reencrypted += 1
                    dirty = True
                if rehash:
                    digest = crypto.keyed_hash(crypto.decrypt(token))
                    if getattr(row, column.hash_name) != digest:
                        setattr(row, column.hash_name, digest)
                        tally.rehashed += 1
                        dirty = True
            except InvalidToken:
                tally.unreadable.append(row.pk)
                continue
            if dirty:
                changed.append(row)
        return changed
