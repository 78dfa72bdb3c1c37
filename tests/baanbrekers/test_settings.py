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
    "SITE_URL": "https://baanbrekers.example.org",
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


# --- Production safety (issue 13) and SITE_URL (issue 12) -----------------------------------


def run_command(args: list[str], **env_overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=PROJECT_DIR,
        env=clean_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides) -> dict:
    return {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(64), **overrides}


def test_production_requires_site_url():
    env = production_env()
    del env["SITE_URL"]
    result = run_django("", **env)
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


@pytest.mark.parametrize(
    "site_url",
    ["baanbrekers.example.org", "ftp://baanbrekers.example.org", "https://elsewhere.org"],
)
def test_production_refuses_a_site_url_that_links_nowhere(site_url):
    result = run_django("", **production_env(SITE_URL=site_url))
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_production_takes_site_url_from_the_environment():
    result = run_django(
        "from django.conf import settings; print(settings.SITE_URL)", **production_env()
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://baanbrekers.example.org"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("localhost:8123", "http://localhost:8123"),
        ("8001", "http://127.0.0.1:8001"),
    ],
)
def test_make_run_links_to_the_address_it_serves_on(address, expected):
    from baanbrekers.embedded import site_url_for

    assert site_url_for(address) == expected


@pytest.mark.parametrize(
    ("environ", "command", "expected"),
    [
        ({}, "makemigrations", "baanbrekers.settings.dev"),
        ({"DEBUG": "false"}, "migrate", "baanbrekers.settings.production"),
        ({"DEBUG": "false"}, "runserver", "baanbrekers.settings.production"),
        ({"DEBUG": "true"}, "runserver", "baanbrekers.settings.dev"),
        (
            {"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.dev"},
            "shell",
            "baanbrekers.settings.dev",
        ),
        (
            {"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test"},
            None,
            "baanbrekers.settings.test",
        ),
        (
            {"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.build"},
            "collectstatic",
            "baanbrekers.settings.build",
        ),
        (
            {"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.build"},
            None,
            "baanbrekers.settings.build",
        ),
    ],
)
def test_entry_points_choose_dev_only_while_debug_is_not_off(environ, command, expected):
    from baanbrekers.settings.entrypoint import settings_module_select

    environ = dict(environ)
    assert settings_module_select(command=command, environ=environ) == expected
    assert environ["DJANGO_SETTINGS_MODULE"] == expected


@pytest.mark.parametrize(
    ("environ", "command"),
    [
        ({"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.dev", "DEBUG": "false"}, "runserver"),
        ({"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.dev", "DEBUG": "0"}, None),
        ({"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.build"}, "migrate"),
        ({"DJANGO_SETTINGS_MODULE": "baanbrekers.settings.build"}, "wsgi"),
    ],
)
def test_entry_points_refuse_unsafe_settings(environ, command):
    from django.core.exceptions import ImproperlyConfigured

    from baanbrekers.settings.entrypoint import settings_module_select

    with pytest.raises(ImproperlyConfigured):
        settings_module_select(command=command, environ=dict(environ))


def test_manage_py_with_debug_off_runs_production_not_the_published_dev_keys():
    # A checkout without settings is a laptop: the dev settings, as `manage.py makemigrations`
    # expects. Told DEBUG is off, it is a server: production, which wants real secrets.
    result = run_command([sys.executable, "manage.py", "check"])
    assert result.returncode == 0, result.stderr
    result = run_command([sys.executable, "manage.py", "check"], DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = run_command([sys.executable, "manage.py", "check", "--deploy"], **production_env())
    assert result.returncode == 0, result.stderr


def test_manage_py_refuses_dev_settings_with_debug_off():
    result = run_command(
        [sys.executable, "manage.py", "check"],
        DJANGO_SETTINGS_MODULE="baanbrekers.settings.dev",
        DEBUG="false",
    )
    assert result.returncode != 0
    assert "published keys" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("module", ["baanbrekers.wsgi", "baanbrekers.celery"])
def test_wsgi_and_celery_refuse_dev_settings_with_debug_off(module):
    result = run_command(
        [sys.executable, "-c", f"import {module}"],
        DJANGO_SETTINGS_MODULE="baanbrekers.settings.dev",
        DEBUG="false",
    )
    assert result.returncode != 0
    assert "published keys" in result.stderr


def test_celery_app_with_debug_off_runs_production():
    result = run_command(
        [
            sys.executable,
            "-c",
            "import os, baanbrekers.celery; print(os.environ['DJANGO_SETTINGS_MODULE'])",
        ],
        DEBUG="false",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "baanbrekers.settings.production"


def test_build_settings_collect_static_files_without_secrets_or_database(tmp_path):
    # As in the Dockerfile: nothing of a deployment in the environment. Django's manifest storage
    # without whitenoise's compression (minutes on a busy machine); `make image-check` runs the
    # Dockerfile's own step with the production storage.
    result = run_command(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        DJANGO_SETTINGS_MODULE="baanbrekers.settings.build",
        STATIC_ROOT=str(tmp_path / "static"),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    )
    assert result.returncode == 0, result.stderr
    # Production serves from the manifest, so the build writes it.
    assert (tmp_path / "static" / "staticfiles.json").exists()


@pytest.mark.parametrize("command", ["migrate", "runserver", "shell"])
def test_build_settings_serve_nothing_but_the_build(command):
    result = run_command(
        [sys.executable, "manage.py", command], DJANGO_SETTINGS_MODULE="baanbrekers.settings.build"
    )
    assert result.returncode != 0
    assert "build settings" in result.stderr


def test_build_settings_ignore_real_secrets_in_the_environment():
    real_key = Fernet.generate_key().decode()
    result = run_django(
        "from django.conf import settings as s; print(s.FIELD_ENCRYPTION_KEYS[0], s.ALLOWED_HOSTS)",
        DJANGO_SETTINGS_MODULE="baanbrekers.settings.build",
        FIELD_ENCRYPTION_KEYS=real_key,
    )
    assert result.returncode == 0, result.stderr
    assert real_key not in result.stdout
    assert result.stdout.split()[1:] == ["[]"]


def _dockerfile_steps():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "dockerfile_steps", PROJECT_DIR / "scripts" / "dockerfile_steps.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_image_check_runs_steps_with_only_the_dockerfile_environment(tmp_path):
    """The CI stand-in for `docker build`: RUN steps see the Dockerfile's ENV, not this machine's
    secrets, and system steps are left to the real build."""
    steps = _dockerfile_steps()
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:3.12-slim\n"
        "ENV GREETING=hallo \\\n    OTHER=1\n"
        "WORKDIR /app\n"
        "RUN apt-get update && apt-get install -y gettext \\\n"
        "    && python -c \"import os, sys; sys.exit(os.environ['GREETING'] != 'hallo' "
        "or 'SECRET_KEY' in os.environ or 'DATABASE_URL' in os.environ)\"\n"
        "RUN python -c \"open('made', 'w').write('yes')\"\n"
    )
    assert os.environ.get("SECRET_KEY")  # the test settings put one in this process
    image = steps.build(dockerfile, tmp_path / "image", pip=False)
    assert (tmp_path / "image" / "app" / "made").read_text() == "yes"
    assert image.skipped == ["apt-get update && apt-get install -y gettext"]

    dockerfile.write_text(
        "FROM python:3.12-slim\nRUN python -c \"import os, sys; sys.exit('SECRET_KEY' not in os.environ)\"\n"
    )
    with pytest.raises(SystemExit, match="FAILED"):
        steps.build(dockerfile, tmp_path / "image2", pip=False)


def test_migrations_lint_flags_an_incompatible_migration_outside_the_baseline(tmp_path, db):
    from django.db import connection

    from tests.worker import _test_database_url

    baseline = (PROJECT_DIR / ".ci" / "migrations-baseline.txt").read_text()
    without = "\n".join(
        line for line in baseline.splitlines() if "baanbrekers/migrations/0006_" not in line
    )
    (tmp_path / "baseline.txt").write_text(without)
    env = {
        "DJANGO_SETTINGS_MODULE": "baanbrekers.settings.test",
        **{k: os.environ[k] for k in ("REDIS_URL", "CACHE_KEY_PREFIX") if k in os.environ},
        # The linter reads the migrations' SQL through a connection: the test database exists.
        "DATABASE_URL": _test_database_url(connection.settings_dict["NAME"]),
    }
    script = [sys.executable, "scripts/migrations_lint.py"]
    result = run_command([*script, "--baseline", str(tmp_path / "baseline.txt")], **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "DROPPING columns" in result.stdout
    result = run_command(script, **env)
    assert result.returncode == 0, result.stdout + result.stderr
