from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        from baanbrekers.home import register_home_section
        from baanbrekers.models import Role

        from . import followup_rules
        from .home import coming_visits_section

        followup_rules.register()
        # Their part of the job seeker's and the employer's file (jobseekers/employers.timeline).
        from . import timeline

        timeline.register()
        # Their part of a person's data: activity, AVG export, anonymisation (jobseekers.retention).
        from . import retention

        retention.register()

        register_home_section(
            roles={Role.ALDERMAN, Role.CASEWORKER, Role.COORDINATOR},
            template="visits/_home_coming.html",
            context=coming_visits_section,
            order=20,
        )
