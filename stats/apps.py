from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Statistics")

    def ready(self):
        from . import metrics
        from .followup_rules import register

        register()
        metrics.register()  # the roll-up's freshness on /metrics
