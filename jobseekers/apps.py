from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobseekersConfig(AppConfig):
    name = "jobseekers"
    verbose_name = _("Job seekers")

    def ready(self):
        from . import followup_rules

        followup_rules.register()
