"""Personal API tokens: django-rest-knox's expiring, hashed token, and what we add to it.

knox's ``AuthToken`` holds the secret as a SHA-512 digest only (and its first characters to find
the row), with an expiry (``REST_KNOX["TOKEN_TTL"]``, from ``API_TOKEN_TTL_DAYS``). ``ApiToken``
is our record beside it (as knox's maintainers advise, rather than swapping knox's model): the
name the user chose, a public id for the pages, and ``grant``, a fingerprint of the user's role
and municipalities when the token was made. A knox token without this record, or whose grant no
longer matches, does not work (``baanbrekers.api.authentication``).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken


class ApiToken(models.Model):
    knox_token = models.OneToOneField(
        AuthToken, on_delete=models.CASCADE, related_name="details", verbose_name=_("token")
    )
    public_id = models.UUIDField(_("id"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=80)
    grant = models.CharField(_("role and municipalities (fingerprint)"), max_length=64)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-knox_token__created"]

    def __str__(self):
        return self.name

    @property
    def user(self):
        return self.knox_token.user

    @property
    def created(self):
        return self.knox_token.created

    @property
    def expiry(self):
        return self.knox_token.expiry
