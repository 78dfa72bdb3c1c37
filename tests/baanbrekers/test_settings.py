import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]


def clean_env(**overrides) -> dict:
    """An environment as a server would have it: none of the test settings' defaults."""
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(overrides)
    return env


def run_django(code: str, **env_overrides) -> subprocess.CompletedProcess:
    env = clean_env(**env_overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.production",
    "ALLOWED_HOSTS": "baanbrekers.example.org",
    "DATABASE_URL": os.environ["DATABASE_URL"],
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
}


def test_database_is_postgresql():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_sqlite_is_refused():
    result = run_django(
        "", DJANGO_SETTINGS_MODULE="baanbrekers.settings.dev", DATABASE_URL="sqlite:///x.db"
    )
    assert result.returncode != 0
    assert "must point to PostgreSQL" in result.stderr


@pytest.mark.parametrize("secret", ["", "django-insecure-" + "x" * 60, "short-but-random-Q1w2e3"])
def test_production_refuses_weak_secret_key(secret):
    result = run_django("", **PRODUCTION, SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_reads_secret_from_file(tmp_path):
    key = secrets.token_urlsafe(64)
    key_file = tmp_path / "secret"
    key_file.write_text(key)
    env = {k: v for k, v in PRODUCTION.items()}
    result = run_django(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        **env,
        SECRET_KEY_FILE=str(key_file),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key


def test_production_settings_pass_check_deploy():
    env = clean_env(**PRODUCTION, SECRET_KEY=secrets.token_urlsafe(64))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_defaults_are_secure():
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.MFA_REQUIRED_FOR_STAFF)",
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_interface_speaks_dutch_first():
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert settings.TIME_ZONE == "Europe/Amsterdam" and settings.USE_TZ


def test_production_refuses_the_development_encryption_keys():
    from baanbrekers.settings import dev  # noqa: F401  (puts the dev defaults in os.environ)

    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64)}
    env["FIELD_ENCRYPTION_KEYS"] = os.environ["FIELD_ENCRYPTION_KEYS"]
    result = run_django("", **env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr


def test_every_rule_setting_is_documented_in_the_readme():
    """The README's configuration table names every variable of the settings' rules section, so
    an operator can find each lead time and limit (docs/DESIGN.md section 9)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    base = (root / "baanbrekers" / "settings" / "base.py").read_text()
    rules = base.split("# --- Rules:", 1)[1].split("\n# --- ", 1)[0]
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', rules))
    assert len(names) >= 15
    readme = (root / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert not missing, f"not in the README's configuration table: {missing}"
