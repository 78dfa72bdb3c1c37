"""The Celery application. Configuration comes from Django settings (the CELERY_ names)."""

from celery import Celery

from baanbrekers.settings.entrypoint import settings_module_select

# Before the app is made: Celery's Django fixup reads DJANGO_SETTINGS_MODULE in the constructor.
# The module the environment names; else dev, or production when DEBUG is off (entrypoint).
settings_module_select()

app = Celery("baanbrekers")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
