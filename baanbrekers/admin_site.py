from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    """Django admin for coordinators only.

    Logging in goes through allauth, so the same rate limits and two-factor checks apply as for
    the rest of the site; the admin's own login form is never shown.
    """

    site_header = _("Baanbrekers management")
    site_title = _("Baanbrekers management")
    index_title = _("Management")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_authenticated and user.is_coordinator)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Logged in, but not a coordinator: logging in again would not help.
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
