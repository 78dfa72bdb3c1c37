"""Production: everything from the environment, and refuse to start on unsafe values."""

import base64
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    BLIND_INDEX_KEY,
    DEBUG,
    FIELD_ENCRYPTION_KEYS,
    SECRET_KEY,
    env,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be a long random value in production."
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the host(s) this site is served on.")

# Every link in mail and calendar feeds starts with SITE_URL: base.py's default (127.0.0.1) would
# send recipients nowhere, so production names it, and it must be a host this site answers on.
SITE_URL = env.str("SITE_URL", default="")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        "SITE_URL must be the address this site is served on, such as "
        "https://baanbrekers.example.org (it starts every link in mail)."
    )
if not validate_host(_site.hostname, ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        f"SITE_URL's host {_site.hostname!r} is not in ALLOWED_HOSTS: links in mail would fail."
    )


def _is_placeholder(key: str) -> bool:
    # The dev and test keys decode to text that says "only"; real keys are random bytes.
    try:
        return b"-only-" in base64.urlsafe_b64decode(key.encode())
    except ValueError:
        return False


if (
    any(_is_placeholder(key) for key in FIELD_ENCRYPTION_KEYS)
    or "-only-" in BLIND_INDEX_KEY
    or len(BLIND_INDEX_KEY) < 32
):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be real secrets in production."
    )
