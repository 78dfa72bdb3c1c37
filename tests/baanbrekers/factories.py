"""Factories for the baanbrekers app's models (municipalities, skills); the named users per role
are fixtures in tests/users.py.

Every test imports a factory from the module of the app that owns the model; variants are traits.
"""

import factory

from baanbrekers.models import Municipality, Skill
from baanbrekers.services import skills_from_names


class MunicipalityFactory(factory.django.DjangoModelFactory):
    """Heusden by default; the traits give the region's two other municipalities (the same rows
    as the ``heusden``/``loon_op_zand``/``waalwijk`` fixtures: got or created by CBS code)."""

    class Meta:
        model = Municipality
        django_get_or_create = ("cbs_code",)

    class Params:
        waalwijk = factory.Trait(cbs_code="GM0867", name="Waalwijk")
        loon_op_zand = factory.Trait(cbs_code="GM0809", name="Loon op Zand")

    cbs_code = "GM0797"
    name = "Heusden"


def skill(name: str) -> Skill:
    """The vocabulary's skill of that name (made if new), as the services would find it."""
    return skills_from_names([name])[0]


def api_token(user, *, expiry=None, **fields) -> str:
    """A personal API token of ``user`` (as the token page makes it, without the two-factor
    step): returns the secret to send as ``Authorization: Token <secret>``. ``fields`` override
    our record (``grant=...``); ``expiry`` the knox token's."""
    from knox.models import AuthToken

    from baanbrekers.api.models import ApiToken
    from baanbrekers.api.tokens import api_token_grant

    fields.setdefault("name", "test")
    fields.setdefault("grant", api_token_grant(user))
    knox_token, secret = AuthToken.objects.create(user=user)
    if expiry is not None:
        AuthToken.objects.filter(pk=knox_token.pk).update(expiry=expiry)
    ApiToken.objects.create(knox_token=knox_token, **fields)
    return secret
