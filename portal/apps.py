from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Employer portal")

    def ready(self):
        # Nightly removal of expired invitations and stale claims; the paid-work answers' part
        # of a person's data (portal/retention.py).
        from . import retention

        retention.register()
        # Notices to employer contacts (new proposal, contact details, "still working?") and
        # the employer mail of the lower apps' kinds that reach them.
        from . import followup_rules

        followup_rules.register()
