from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        # Uploaded files that were never confirmed are deleted by the nightly housekeeping.
        from baanbrekers.housekeeping import housekeeping_register

        from .services import imports_expire

        housekeeping_register("imports_expire", imports_expire)
