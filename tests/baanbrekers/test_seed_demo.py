import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from baanbrekers.models import Municipality, Role, Team, User


def test_seed_demo_twice_creates_everything_once(db, settings, capsys):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo")
    counts = (Municipality.objects.count(), Team.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Municipality.objects.count(), Team.objects.count(), User.objects.count()) == counts
    assert set(Municipality.objects.values_list("cbs_code", flat=True)) == {
        "GM0797",
        "GM0809",
        "GM0867",
    }
    for email, role in [
        ("caseworker@example.org", Role.CASEWORKER),
        ("coordinator@example.org", Role.COORDINATOR),
        ("alderman@example.org", Role.ALDERMAN),
        ("employer@example.org", Role.EMPLOYER_CONTACT),
    ]:
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password("demo-password-for-tests")
        assert EmailAddress.objects.get(user=user).verified
    assert "demo-password-for-tests" in capsys.readouterr().out


def test_seed_demo_generates_and_prints_a_password_when_none_is_given(db, settings, capsys):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = ""
    call_command("seed_demo")
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "caseworker@example.org" in line)
    password = line.split()[-1]
    assert len(password) >= 12
    assert User.objects.get(email="caseworker@example.org").check_password(password)


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.filter(email="caseworker@example.org").exists()


def test_seed_demo_runs_without_debug_when_asked_explicitly(db, settings):
    settings.DEBUG = False
    settings.DEMO_PASSWORD = "demo-password-for-tests"
    call_command("seed_demo", "--allow-without-debug")
    assert User.objects.filter(email="caseworker@example.org").exists()
