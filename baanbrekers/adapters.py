from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from .models import Role

# How long a new account remembers where it came from (an invitation link, a claim): long
# enough to find the verification mail the next day.
NEXT_AFTER_SIGNUP_SECONDS = 7 * 24 * 3600


def _next_key(user_id) -> str:
    return f"account:next-after-signup:{user_id}"


def _safe_path(request, url: str) -> str:
    """Only a path on this site: a signup link must not send anyone elsewhere."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return ""


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return settings.ACCOUNT_ALLOW_SIGNUPS

    def save_user(self, request, user, form, commit=True):
        """Self sign-up is for employer contacts only: staff accounts are made by coordinators.

        The new account sees nothing of any company until an invitation or an approved claim
        links it to one (see the portal app). Where the person came from (``next``: the
        invitation link) is remembered with the account, so after verifying their email
        address — in this browser or another — they land there, not on an empty start page."""
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.EMPLOYER_CONTACT
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
            target = _safe_path(request, request.POST.get("next") or request.GET.get("next", ""))
            if target:
                cache.set(_next_key(user.pk), target, NEXT_AFTER_SIGNUP_SECONDS)
        return user

    def get_email_verification_redirect_url(self, email_address):
        """Verified but not logged in (the usual case): the login page, going on from there to
        where the person came from."""
        url = super().get_email_verification_redirect_url(email_address)
        if self.request.user.is_authenticated:
            return url
        target = cache.get(_next_key(email_address.user_id))
        if target:
            return f"{reverse('account_login')}?{urlencode({'next': target})}"
        return url

    def get_login_redirect_url(self, request):
        """The first login after signing up goes on to the remembered page, once."""
        target = cache.get(_next_key(request.user.pk))
        if target:
            cache.delete(_next_key(request.user.pk))
            return target
        return super().get_login_redirect_url(request)
