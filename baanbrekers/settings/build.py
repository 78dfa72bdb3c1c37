"""Build: just enough to collect static files and compile translations while the image is built.

No secret and no database is at hand during `docker build`, and none must be baked into a layer.
These values cannot serve anyone: no host is allowed (every request answers 400), the database and
Redis names resolve nowhere (.invalid), and manage.py and the WSGI app refuse these settings for
anything but collectstatic and compilemessages (baanbrekers.settings.entrypoint). The static
storage is production's, so the manifest that production serves from is written here.
"""

import os
import secrets

for _name, _value in {
    "DEBUG": "false",
    # Fresh per build and thrown away: nothing signed with it outlives the build step.
    "SECRET_KEY": "build-only-" + secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "",
    "DATABASE_URL": "postgresql://build@database.invalid:5432/build",
    "REDIS_URL": "redis://redis.invalid:6379/0",
    "EMAIL_URL": "dummymail://",
    "SITE_URL": "https://build.invalid",
    "FIELD_ENCRYPTION_KEYS": "YnVpbGQtb25seS1maWVsZC1rZXktbmV2ZXItdXNlZCE=",
    "BLIND_INDEX_KEY": "build-only-blind-index-key",
}.items():
    os.environ[_name] = _value

from .base import *  # noqa: E402,F403
