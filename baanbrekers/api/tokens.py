"""Personal API tokens: who may make one, when a token still applies, and revoking.

The rules (issue 13, "tokens with the same rules as sessions"):
- a user makes a token for themselves only, and only within a few minutes after a two-factor
  check (allauth's reauthentication, ``ACCOUNT_REAUTHENTICATION_TIMEOUT``); nobody mints one
  for someone else, not even in the admin;
- a token expires (``API_TOKEN_TTL_DAYS``) and is stored as a digest only (django-rest-knox);
- a token stops working when the user's role or municipalities change (``grant``) or the
  account is deactivated, and staff without two-factor are refused as with a session
  (``baanbrekers.api.authentication``).
"""

from __future__ import annotations

import hashlib
import time

from allauth.account import app_settings as allauth_settings
from allauth.account.authentication import get_authentication_records
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from baanbrekers.access import is_signed_in
from baanbrekers.models import AuditAction, User
from baanbrekers.services import audit_record

from .models import ApiToken

# A user keeps a handful of tokens (one per program), not hundreds.
MAX_TOKENS_PER_USER = 10


def api_token_grant(user: User) -> str:
    """A fingerprint of what the user may see: role, superuser flag and municipalities. A token
    made under one grant does not work under another."""
    municipalities = ",".join(
        str(pk) for pk in sorted(user.municipalities.values_list("pk", flat=True))
    )
    raw = f"{user.pk}|{user.role}|{int(user.is_superuser)}|{municipalities}"
    return hashlib.sha256(raw.encode()).hexdigest()


def two_factor_is_fresh(request: HttpRequest) -> bool:
    """Did the user pass a two-factor check (TOTP or a recovery code) in this session within
    the last few minutes? A password alone is not enough to make a long-lived credential."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    horizon = time.time() - allauth_settings.REAUTHENTICATION_TIMEOUT
    return any(
        record.get("method") == "mfa" and float(record.get("at", 0)) >= horizon
        for record in get_authentication_records(request, user)
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens that still work (expired ones are left out; knox deletes them on
    the next use)."""
    return (
        ApiToken.objects.filter(knox_token__user=user, knox_token__expiry__gt=timezone.now())
        .select_related("knox_token")
        .order_by("-knox_token__created")
    )


def api_token_create(*, user: User, name: str, request: HttpRequest) -> tuple[ApiToken, str]:
    """Makes a token for the signed-in user themselves; returns the row and the secret, which
    is shown once and never stored. Needs a fresh two-factor check in this session."""
    if request.user.pk != user.pk or not is_signed_in(user):
        raise PermissionDenied(_("You can only make an API token for yourself."))
    if not two_factor_is_fresh(request):
        raise PermissionDenied(_("Confirm with two-factor authentication first."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, so you recognise it later.")})
    if api_tokens_of(user).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    if api_tokens_of(user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _("You have %(count)d tokens already; revoke one first.")
                % {"count": MAX_TOKENS_PER_USER}
            }
        )
    with transaction.atomic():
        knox_token, secret = AuthToken.objects.create(user=user)  # expiry: REST_KNOX
        token = ApiToken.objects.create(
            knox_token=knox_token, name=name, grant=api_token_grant(user)
        )
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        object_type=ApiToken._meta.label,
        object_id=str(token.public_id),
        detail={"name": name, "expiry": token.expiry.isoformat() if token.expiry else None},
        request=request,
    )
    return token, secret


def api_token_revoke(*, user: User, public_id, request: HttpRequest | None = None) -> None:
    """Deletes one of the user's own tokens; someone else's (or a malformed id) is a 404."""
    try:
        token = ApiToken.objects.select_related("knox_token").get(
            knox_token__user=user, public_id=public_id
        )
    except (ApiToken.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    token.knox_token.delete()  # and with it our record
    audit_record(
        actor=user,
        action=AuditAction.DELETE,
        object_type=ApiToken._meta.label,
        object_id=str(public_id),
        detail={"name": token.name},
        request=request,
    )
