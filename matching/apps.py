from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    # No models: installed for its translations (theme names and the explanations' words).
    name = "matching"
    verbose_name = _("Matching")
