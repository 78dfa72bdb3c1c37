"""Token authentication with the session's rules (issue 13).

django-rest-knox finds the token by digest, refuses expired ones (and deletes them) and refuses
deactivated accounts. On top of that, here:
- a token made under another role or other municipalities no longer works (and is deleted);
- staff without two-factor are refused with 403, exactly as the session middleware refuses them
  (``baanbrekers.middleware.needs_two_factor_setup``, the one rule).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from baanbrekers.middleware import needs_two_factor_setup

from .models import ApiToken
from .tokens import api_token_grant

# Writing "last used" on every request costs a query; a minute of precision is enough.
_LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def validate_user(self, auth_token):
        user, knox_token = super().validate_user(auth_token)
        token = ApiToken.objects.filter(knox_token=knox_token).first()
        if token is None or token.grant != api_token_grant(user):
            # Made elsewhere than the token page, or under another role or other municipalities.
            knox_token.delete()
            raise exceptions.AuthenticationFailed(
                _(
                    "This token no longer applies: your role or municipalities have changed. "
                    "Make a new one."
                )
            )
        if needs_two_factor_setup(user):
            raise exceptions.PermissionDenied(
                _("Set up two-factor authentication before using the API.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, knox_token


def is_token_request(request) -> bool:
    """Was this API request authenticated by a personal token (rather than a browser session)?"""
    return isinstance(getattr(request, "successful_authenticator", None), TokenAuthentication)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the API documentation describes the token: ``Authorization: Token <secret>``."""

    target_class = "baanbrekers.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
