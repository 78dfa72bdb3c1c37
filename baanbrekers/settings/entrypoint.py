"""Which settings module an entry point (manage.py, the WSGI app, the Celery app) runs on.

Without DJANGO_SETTINGS_MODULE a checkout runs on the development settings, so that
`python manage.py makemigrations` and the like work on a laptop as in any Django project, unless
the environment turns DEBUG off: a process told DEBUG is off runs on production settings, which
refuse to start without real secrets. The development settings with DEBUG off are refused
outright: that is a server running on published keys. Servers name their module (the Dockerfile
and docker-compose.yml set DJANGO_SETTINGS_MODULE to the production settings). The build
settings (no secrets, no database) serve only the image build's collectstatic and compilemessages.
This module imports nothing of the settings themselves, so it runs before they load.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

from django.core.exceptions import ImproperlyConfigured

DEV = "baanbrekers.settings.dev"
PRODUCTION = "baanbrekers.settings.production"
BUILD = "baanbrekers.settings.build"
# manage.py commands the build settings may run: they read files, never a database or a secret.
BUILD_COMMANDS = frozenset({"collectstatic", "compilemessages"})
# The strings django-environ reads as true (environ.Env.BOOLEAN_TRUE_STRINGS).
_TRUE = {"true", "on", "ok", "y", "yes", "1"}


def _debug(environ: MutableMapping[str, str]) -> bool | None:
    """DEBUG as the environment says it: True, False, or None when it does not say."""
    if "DEBUG" not in environ:
        return None
    return environ["DEBUG"].strip().lower() in _TRUE


def settings_module_select(
    *, command: str | None = None, environ: MutableMapping[str, str] | None = None
) -> str:
    """Set DJANGO_SETTINGS_MODULE for an entry point and return it; refuse unsafe choices.

    ``command`` names what is starting: a manage.py command, ``"wsgi"`` for the web server, or
    None (the Celery app, imported by every process that loads the apps) for no command check.
    """
    environ = os.environ if environ is None else environ
    debug = _debug(environ)
    module = environ.get("DJANGO_SETTINGS_MODULE") or (PRODUCTION if debug is False else DEV)
    if module == DEV and debug is False:
        raise ImproperlyConfigured(
            "The development settings (baanbrekers.settings.dev) hold published keys and must "
            "not run with DEBUG off. On a server set DJANGO_SETTINGS_MODULE="
            f"{PRODUCTION}; on a laptop use `make run` (it turns DEBUG on)."
        )
    if module == BUILD and command is not None and command not in BUILD_COMMANDS:
        raise ImproperlyConfigured(
            f"The build settings ({BUILD}) only serve the image build "
            f"({', '.join(sorted(BUILD_COMMANDS))}), not {command!r}. Run with "
            f"DJANGO_SETTINGS_MODULE={PRODUCTION} and the real secrets."
        )
    environ["DJANGO_SETTINGS_MODULE"] = module
    return module
