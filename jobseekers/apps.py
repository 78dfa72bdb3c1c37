from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobseekersConfig(AppConfig):
    name = "jobseekers"
    verbose_name = _("Job seekers")

    def ready(self):
        from . import followup_rules

        followup_rules.register()
        # The nightly retention job (docs/privacy.md), run by baanbrekers.housekeeping.
        from baanbrekers.housekeeping import housekeeping_register

        from .services import jobseekers_anonymise_inactive

        housekeeping_register("jobseekers_anonymise_inactive", jobseekers_anonymise_inactive)
