from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from .models import Role


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def save_user(self, request, user, form, commit=True):
        """Self sign-up is for employer contacts only: staff accounts are made by coordinators.

        The new account sees nothing of any company until an invitation or an approved claim
        links it to one (see the portal app)."""
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.EMPLOYER_CONTACT
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user
