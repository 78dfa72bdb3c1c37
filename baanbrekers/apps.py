from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BaanbrekersConfig(AppConfig):
    default = True
    name = "baanbrekers"
    verbose_name = _("Baanbrekers")

    def ready(self):
        from allauth.mfa import signals as mfa_signals

        from . import middleware, pdf  # noqa: F401 (pdf registers its system check)

        def forget_mfa_check(sender, request, **kwargs):
            # The middleware remembers in the session that the user has an authenticator;
            # after one is removed it must look again.
            request.session.pop(middleware.MFA_OK_KEY, None)

        mfa_signals.authenticator_removed.connect(forget_mfa_check, weak=False)


class BaanbrekersAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "baanbrekers.admin_site.AdminSite"
