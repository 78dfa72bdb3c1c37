from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = _("Placements")

    def ready(self):
        from . import followup_rules

        followup_rules.register()
        # Their part of the job seeker's and the employer's file (jobseekers/employers.timeline).
        from . import timeline

        timeline.register()
        # Their part of a person's data: activity, AVG export, anonymisation (jobseekers.retention).
        from . import retention

        retention.register()
