"""Tests: real PostgreSQL and Redis, named by the environment or on 127.0.0.1."""

import os

for _name, _value in {
    "DEBUG": "false",
    "SECRET_KEY": "django-insecure-test-only",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/baanbrekers",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "MFA_REQUIRED_FOR_STAFF": "true",
    "EMAIL_URL": "memorymail://",
    "CACHE_KEY_PREFIX": "bb-test",
    "CELERY_QUEUE": "bb-test",
    # Log lines for people at a terminal; production logs JSON.
    "LOG_FORMAT": "plain",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    # Known keys for test only; production must bring its own.
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0tMzItYnl0ZXMhISE=",
    "BLIND_INDEX_KEY": "test-only-blind-index-key",
}.items():
    os.environ.setdefault(_name, _value)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
