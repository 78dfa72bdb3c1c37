"""Named users per role, the same in every test module (CONVENTIONS.md, Tests).

A caseworker of Heusden, one of Waalwijk, a coordinator, an alderman of Heusden, and two employer
contacts. Staff users have a TOTP authenticator, as they must; ``totp_code(user)`` gives a code.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from baanbrekers.models import Municipality, Role, User

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current code, taken early enough in its 30-second window to still hold when the
    form is submitted (allauth accepts only the current window)."""
    import time

    left_in_window = 30 - time.time() % 30
    if left_in_window < 8:
        time.sleep(left_in_window + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_user(email, role, municipalities=(), *, with_totp=None, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, role=role, **extra)
    user.municipalities.set(municipalities)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if with_totp is None:
        with_totp = role != Role.EMPLOYER_CONTACT
    if with_totp:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def heusden(db):
    return Municipality.objects.get_or_create(cbs_code="GM0797", defaults={"name": "Heusden"})[0]


@pytest.fixture
def loon_op_zand(db):
    return Municipality.objects.get_or_create(cbs_code="GM0809", defaults={"name": "Loon op Zand"})[
        0
    ]


@pytest.fixture
def waalwijk(db):
    return Municipality.objects.get_or_create(cbs_code="GM0867", defaults={"name": "Waalwijk"})[0]


@pytest.fixture
def caseworker_heusden(heusden):
    return make_user("karin@heusden.example.org", Role.CASEWORKER, [heusden], first_name="Karin")


@pytest.fixture
def caseworker_waalwijk(waalwijk):
    return make_user(
        "wouter@waalwijk.example.org", Role.CASEWORKER, [waalwijk], first_name="Wouter"
    )


@pytest.fixture
def coordinator(heusden, loon_op_zand, waalwijk):
    return make_user(
        "cor@example.org",
        Role.COORDINATOR,
        [heusden, loon_op_zand, waalwijk],
        first_name="Cor",
        is_staff=True,
    )


@pytest.fixture
def alderman(heusden):
    return make_user("wim@heusden.example.org", Role.ALDERMAN, [heusden], first_name="Wim")


@pytest.fixture
def employer_contact_a(db):
    return make_user("eva@bakkerij.example.org", Role.EMPLOYER_CONTACT, first_name="Eva")


@pytest.fixture
def employer_contact_b(db):
    return make_user("bram@metaal.example.org", Role.EMPLOYER_CONTACT, first_name="Bram")


ROLE_FIXTURES = [
    "caseworker_heusden",
    "caseworker_waalwijk",
    "coordinator",
    "alderman",
    "employer_contact_a",
    "employer_contact_b",
]
