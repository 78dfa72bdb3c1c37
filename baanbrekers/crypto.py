"""Encryption of personal data at rest, and keyed hashes to find it again.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under FIELD_ENCRYPTION_KEYS; the
first key encrypts, all keys decrypt, so keys can be rotated. A keyed hash (HMAC-SHA256 under
BLIND_INDEX_KEY) lets the database find an exact value without holding it in readable form.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(value: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    key = settings.BLIND_INDEX_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
