"""Key rotation (manage.py rotate_encryption_keys): from key A to key B, then A can go."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command

from baanbrekers import crypto
from baanbrekers.management.commands.rotate_encryption_keys import encrypted_columns
from jobseekers.models import JobSeeker
from tests.jobseekers.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
BSNS = ["111222333", "123456782", "100000009", "999999990", "010000008"]


def rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate_encryption_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def people(settings):
    """Five job seekers whose BSNs are encrypted with key A only, and one anonymised file."""
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    people = [JobSeekerFactory(bsn=bsn) for bsn in BSNS]
    gone = JobSeekerFactory()
    JobSeeker.objects.filter(pk=gone.pk).update(bsn_encrypted="", bsn_hash=f"anonymised-{gone.pk}")
    return people


def stored(person) -> JobSeeker:
    return JobSeeker.objects.get(pk=person.pk)


def test_every_encrypted_column_is_found_with_its_keyed_hash():
    labels = {(c.label, c.hash_name) for c in encrypted_columns()}
    assert ("jobseekers.JobSeeker.bsn_encrypted", "bsn_hash") in labels


def test_after_rotation_only_the_new_key_is_needed(settings, people):
    before = {p.pk: stored(p) for p in people}
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    dry = rotate("--dry-run")
    assert "6 rows, 5 would be re-encrypted, 0 already on the first key, 1 empty" in dry
    assert {p.pk: stored(p).bsn_encrypted for p in people} == {
        pk: row.bsn_encrypted for pk, row in before.items()
    }, "a dry run writes nothing"

    out = rotate("--batch-size", "2")
    assert "6 rows, 5 re-encrypted, 0 already on the first key, 1 empty, 0 unreadable" in out

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    for person, bsn in zip(people, BSNS, strict=True):
        row = stored(person)
        assert row.reveal_bsn() == bsn
        # Only the encrypted column moved: no activity for the retention rule, same hash.
        assert row.updated_at == before[person.pk].updated_at
        assert row.bsn_hash == before[person.pk].bsn_hash
        with pytest.raises(InvalidToken):
            Fernet(KEY_A.encode()).decrypt(row.bsn_encrypted.encode())
    # Run again (resumed, or just checking): nothing left to do.
    assert "5 already on the first key" in rotate("--dry-run")


def test_a_stopped_rotation_resumes_where_it_was(settings, people):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    # As if a first run had done two rows before it stopped.
    for person in people[:2]:
        JobSeeker.objects.filter(pk=person.pk).update(
            bsn_encrypted=crypto.reencrypt(stored(person).bsn_encrypted)
        )
    done_before = {p.pk: stored(p).bsn_encrypted for p in people[:2]}

    out = rotate()
    assert "3 re-encrypted, 2 already on the first key" in out
    assert {p.pk: stored(p).bsn_encrypted for p in people[:2]} == done_before
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    assert [stored(p).reveal_bsn() for p in people] == BSNS


def test_a_value_no_key_reads_fails_the_command_and_is_kept(settings, people):
    stranger = Fernet(Fernet.generate_key()).encrypt(b"123456782").decode()
    JobSeeker.objects.filter(pk=people[2].pk).update(bsn_encrypted=stranger)
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError) as failure:
        rotate("--batch-size", "2")
    message = str(failure.value)
    assert "1 value(s) could not be decrypted with any key" in message
    assert f"jobseekers.JobSeeker.bsn_encrypted pk={people[2].pk}" in message
    assert "keep the old key" in message

    assert stored(people[2]).bsn_encrypted == stranger, "the unreadable value is untouched"
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    # Every other value was rotated in the same run (the batches around the bad row too).
    for index in (0, 1, 3, 4):
        assert stored(people[index]).reveal_bsn() == BSNS[index]


def test_blind_index_is_recomputed_under_the_new_key(settings, people):
    assert JobSeeker.objects.with_bsn(BSNS[0]).get() == people[0]
    settings.BLIND_INDEX_KEY = "a-brand-new-blind-index-key-of-enough-length"
    assert not JobSeeker.objects.with_bsn(BSNS[0]).exists()

    out = rotate("--blind-index", "--dry-run")
    assert "5 hashes would be recomputed" in out
    assert not JobSeeker.objects.with_bsn(BSNS[0]).exists()

    out = rotate("--blind-index", "--batch-size", "3")
    assert "0 re-encrypted, 5 already on the first key, 1 empty, 5 hashes recomputed" in out
    for person, bsn in zip(people, BSNS, strict=True):
        assert JobSeeker.objects.with_bsn(bsn).get() == person
    assert "0 hashes recomputed" in rotate("--blind-index")
