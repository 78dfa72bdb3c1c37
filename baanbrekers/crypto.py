"""Encryption of personal data at rest, and keyed hashes to find it again.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under FIELD_ENCRYPTION_KEYS; the
first key encrypts, all keys decrypt, so keys can be rotated. A keyed hash (HMAC-SHA256 under
BLIND_INDEX_KEY) lets the database find an exact value without holding it in readable form.

A column that holds a value from ``encrypt`` is named ``<name>_encrypted`` and its keyed hash, if
it has one, ``<name>_hash`` on the same model: ``manage.py rotate_encryption_keys`` finds them by
these names (docs/operations.md, "Key rotation").
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether ``token`` is encrypted with the first key, the one that encrypts (key rotation,
    ``manage.py rotate_encryption_keys``, skips such values, which makes it resumable)."""
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """``token`` encrypted again with the first key, keeping its value and timestamp.

    Raises ``InvalidToken`` when none of the keys can read it: the caller keeps the old value.
    """
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def keyed_hash(value: str) -> str:
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
