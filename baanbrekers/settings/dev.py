"""Development: defaults for a laptop. Anything set in the environment still wins."""

import os

for _name, _value in {
    "DEBUG": "true",
    "SECRET_KEY": "django-insecure-development-only-never-use-in-production",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/baanbrekers",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_HSTS_SECONDS": "0",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "MFA_REQUIRED_FOR_STAFF": "false",
    # Log lines for people at a terminal; production logs JSON.
    "LOG_FORMAT": "plain",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    # Known keys for dev only; production must bring its own.
    "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LW5ldmVyLWluLXByb2Q=",
    "BLIND_INDEX_KEY": "dev-only-blind-index-key",
}.items():
    os.environ.setdefault(_name, _value)

from .base import *  # noqa: E402,F403
