"""Settings shared by every environment.

Every value is read here, once, from the environment through django-environ. The dev and test
modules only put defaults into the environment before importing this one; production adds checks.
Values may also come from files: ``SECRET_KEY_FILE=/run/secrets/key`` is read as ``SECRET_KEY``.
"""

import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.FileAwareEnv()

# --- Core -----------------------------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Version of the running code, shown in /healthz for operators.
RELEASE = env.str("RELEASE", default="dev")

INSTALLED_APPS = [
    "baanbrekers.apps.BaanbrekersAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Third party
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    # Ours, lower layers first (see DESIGN.md section 3)
    "baanbrekers",
    "baanbrekers.api",
    "employers",
    "jobseekers",
    "matching",
    "visits",
    "placements",
    # On top: they read the domain apps, nothing imports them.
    "stats",
    "portal",
    "imports",
]

MIDDLEWARE = [
    # Observability first: the request id on every log line; probes and /metrics answered
    # before the host check and the HTTPS redirect (an orchestrator asks by pod address, over
    # HTTP); request latency per view and database queries per request (baanbrekers/metrics.py).
    "baanbrekers.logs.RequestIdMiddleware",
    "baanbrekers.health.ProbeMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "baanbrekers.metrics.DatabaseQueriesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "baanbrekers.middleware.RejectNulCharactersMiddleware",
    "baanbrekers.middleware.ApiNotFoundAsJsonMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "baanbrekers.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "baanbrekers.middleware.UserSessionActivityMiddleware",
    "baanbrekers.middleware.StaffMFARequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "baanbrekers.urls"
WSGI_APPLICATION = "baanbrekers.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baanbrekers.context_processors.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL only --------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgresql://...).")
# Persistent connections, checked before reuse so a restarted database does not break requests.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation for the app's statements: a page's query is small, and where PostgreSQL
# overestimates its cost it would compile it for 0.1-2 s (seen on the national data set). The
# roll-up and matching turn it off for their own transactions as well.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, rate limits, Celery broker -----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Django's Redis backend, reusing its client object (baanbrekers/cache.py).
        "BACKEND": "baanbrekers.cache.ReusedClientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="bb"),
    }
}


def _celery_url(redis_url: str) -> str:
    # kombu does not understand unix:// URLs; it wants redis+socket:// for a unix socket.
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        return f"redis+socket://{parts.path}"
    return redis_url


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_celery_url(REDIS_URL))
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redelivery of unacknowledged messages after a lost worker; longer than any task may run.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The database scheduler behind a Redis lock: a second beat started by mistake schedules nothing
# (baanbrekers/beat.py). The lock lives BEAT_LOCK_TTL seconds unless its holder extends it.
CELERY_BEAT_SCHEDULER = "baanbrekers.beat:LockedDatabaseScheduler"
BEAT_LOCK_TTL = env.int("BEAT_LOCK_TTL", default=30)
# Periodic tasks are declared here; django-celery-beat installs them into the database.
CELERY_BEAT_SCHEDULE: dict = {
    "followups-send-due": {"task": "baanbrekers.followups_send_due", "schedule": 60.0},
    "outbox-deliver": {"task": "baanbrekers.outbox_deliver", "schedule": 60.0},
    # Statistics: the days that changed every five minutes, everything once a night.
    "stats-figures-update": {"task": "stats.figures_update", "schedule": 300.0},
    "stats-figures-rebuild": {
        "task": "stats.figures_rebuild",
        "schedule": crontab(hour=3, minute=15),
    },
    # Follow-up rules (each app's followup_rules.py, applied by baanbrekers.tasks): hourly; the
    # sweep above sends what they make.
    "followup-rules-apply": {"task": "followup_rules.apply", "schedule": crontab(minute=7)},
    # Retention (docs/privacy.md): anonymise inactive job seekers, remove expired invitations
    # and stale claims (baanbrekers.housekeeping). Before the nightly statistics rebuild.
    "housekeeping-nightly": {
        "task": "baanbrekers.housekeeping",
        "schedule": crontab(hour=2, minute=40),
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "baanbrekers.User"
# Django's and allauth's backends, each reading the signed-in user (every request) with a
# statement compiled once per process (baanbrekers/auth_backends.py). A session records its
# backend: sessions begun under the plain backends' names end once when this is deployed.
AUTHENTICATION_BACKENDS = [
    "baanbrekers.auth_backends.UserModelBackend",
    "baanbrekers.auth_backends.AccountBackend",
    "baanbrekers.auth_backends.CoordinatorPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_ADAPTER = "baanbrekers.adapters.AccountAdapter"
# Self sign-up is open for employer contacts (the portal); staff accounts are made by
# coordinators. A sign-up always gets the employer_contact role (baanbrekers.adapters).
ACCOUNT_ALLOW_SIGNUPS = env.bool("ACCOUNT_ALLOW_SIGNUPS", default=True)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Baanbrekers")
# Staff (caseworkers, coordinators, aldermen) must set up TOTP before they can work.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# allauth keeps a record per session (IP, browser, last seen: the "sessions" page where a user
# ends the others). Its own middleware updates that row on every request (five statements);
# baanbrekers.middleware.UserSessionActivityMiddleware does so once a minute, or at once when
# the address or browser changes.
USERSESSIONS_TRACK_ACTIVITY = True

# Sessions: absolute lifetime 12 hours; staff are logged out after 30 idle minutes.
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_SECONDS_STAFF", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions are read from Redis (the default cache) and written through to PostgreSQL: no query
# per request for the session, and a session survives Redis being emptied or away. Ending a
# session (log out, allauth's "end other sessions", the idle and absolute limits) deletes it
# from both at once.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Security headers -----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = True
# A refused form (CSRF) gets a Dutch page with the navigation and a way back.
CSRF_FAILURE_VIEW = "baanbrekers.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: only our own files; no inline scripts. The Utrecht CSS embeds a few
# SVG icons as data: URLs, and the TOTP set-up page shows its QR code as a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The one date format of the Dutch interface (DESIGN.md section 8).
FORMAT_MODULE_PATH = ["baanbrekers.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

# --- Email ----------------------------------------------------------------------------------
# EMAIL_URL such as smtp+tls://user:password@host:587, consolemail:// or filemail:///path
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Baanbrekers <noreply@example.org>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Baanbrekers] "
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="baanbrekers.local")
# A mail server that does not answer within this many seconds fails this attempt (no hang).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
# An outbox email still "sending" after this many seconds belongs to a sender that stopped
# half-way (killed, restarted): it is marked "uncertain" for a coordinator, never sent again by
# itself (baanbrekers.followups). Keep it well above EMAIL_TIMEOUT.
OUTBOX_SENDING_TIMEOUT = env.int("OUTBOX_SENDING_TIMEOUT", default=900)
# Where this site is reached, for links in emails and calendar feeds.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
ADMINS = [("Beheer", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- API ------------------------------------------------------------------------------------
# A request body (without its files) of at most 1 MiB: far above any form or JSON of this site.
# The API's JSON parser holds to it as well (baanbrekers.api.parsers).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Personal tokens (django-rest-knox: hashed, expiring), with the session's rules.
        "baanbrekers.api.authentication.ApiTokenAuthentication",
    ],
    # Views name their role predicates (baanbrekers.api.permissions); by default any signed-in
    # user reads and the back office writes.
    "DEFAULT_PERMISSION_CLASSES": ["baanbrekers.api.permissions.RolePermission"],
    # JSON bounded in size and depth, without control characters (issue 13); forms as DRF's
    # defaults (the control characters of forms are refused by baanbrekers.middleware).
    "DEFAULT_PARSER_CLASSES": [
        "baanbrekers.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # The error answers every operation can give (400, 403, 404, 413, 415, 429) documented.
    "DEFAULT_SCHEMA_CLASS": "baanbrekers.api.schema.ProjectAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "baanbrekers.api.pagination.PageNumbers",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    # Services' ValidationError / PermissionDenied / DoesNotExist as 400 / 403 / 404; 429 in
    # the user's language.
    "EXCEPTION_HANDLER": "baanbrekers.api.exceptions.exception_handler",
    # Rate limits (baanbrekers/api/throttles.py), kept in the Redis cache. "user" and "anon"
    # apply to every API request; the others guard single actions, on the API and the pages.
    "DEFAULT_THROTTLE_CLASSES": [
        "baanbrekers.api.throttles.ApiUserThrottle",
        "baanbrekers.api.throttles.ApiAnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("RATE_API_USER", default="1000/hour"),
        "anon": env.str("RATE_API_ANON", default="100/hour"),
        "bsn_reveal": env.str("RATE_BSN_REVEAL", default="30/hour"),
        "claim_user": env.str("RATE_CLAIM_USER", default="5/hour"),
        "claim_address": env.str("RATE_CLAIM_ADDRESS", default="20/hour"),
        "invitation_user": env.str("RATE_INVITATION_USER", default="10/hour"),
        "invitation_address": env.str("RATE_INVITATION_ADDRESS", default="30/hour"),
    },
}
# Personal API tokens (baanbrekers/api/models.py): made on /profile/api-tokens/ after a fresh
# two-factor check, valid this many days, stored as a SHA-512 digest only.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
# knox's own model (our ApiToken sits beside it); named because knox's model is swappable.
KNOX_TOKEN_MODEL = "knox.AuthToken"
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    # A fixed end: using a token does not extend it.
    "AUTO_REFRESH": False,
    # Recognisable by secret scanners and people alike.
    "TOKEN_PREFIX": "bb_",
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baanbrekers API",
    "DESCRIPTION": "Employer-first work placement platform of a regional werkbedrijf.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    # Separate request and answer components: what a client must send (required fields, no
    # blank text where it is refused) is written down exactly, not mixed with read-only fields.
    "COMPONENT_SPLIT_REQUEST": True,
    # The API is documented as JSON; forms are still read (DRF's browsable API, simple clients)
    # but are no part of the contract.
    "PARSER_WHITELIST": ["baanbrekers.api.parsers.BoundedJSONParser"],
    # Several models have a "status" field with their own choices; name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "VisitStatusEnum": "visits.models.VisitStatus",
        "JobSeekerStatusEnum": "jobseekers.models.JobSeekerStatus",
        "OpeningKindEnum": "employers.models.OpeningKind",
        "OpeningStatusEnum": "employers.models.OpeningStatus",
        "PlacementStatusEnum": "placements.models.PlacementStatus",
        "PlacementOutcomeEnum": "placements.models.PlacementOutcome",
        # What an employer may answer to a proposal ("pending" is not an answer).
        "ProposalReplyEnum": ["interested", "not_now", "no"],
    },
}

# --- Observability: logs, metrics, health (baanbrekers/logs.py, metrics.py, health.py) -------
# Logs as data: one JSON object per line ("json", the default) or plain lines for people
# ("plain": dev and tests). Every line carries the request id (X-Request-ID), also in the tasks a
# request queues; email addresses and BSNs are blanked out (baanbrekers/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "baanbrekers.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "()": "baanbrekers.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "baanbrekers.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
# /metrics (Prometheus) answers only a request with "Authorization: Bearer <METRICS_TOKEN>";
# without a token set it is a 404. With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR (read
# by prometheus_client from the environment) must name an empty, writable directory.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# The Celery worker touches this file while its consumer runs; `python -m baanbrekers.health
# worker-alive` (the worker's liveness probe) checks its age.
WORKER_HEARTBEAT_FILE = env.str(
    "WORKER_HEARTBEAT_FILE", default=str(Path(tempfile.gettempdir()) / "baanbrekers-worker.alive")
)

# --- Rules: lead times and limits -----------------------------------------------------------
# The one home of every number a rule uses (docs/DESIGN.md, "Rules and their one home"; the
# README's configuration table). Each can be overridden from the environment.
# Lead times, in days: how long before (or after) an event a follow-up or warning is due.
LEAD_TIMES = {
    # An employer we have not spoken to for this long gets a follow-up for its relationship owner.
    "employer_no_contact": env.int("LEAD_EMPLOYER_NO_CONTACT_DAYS", default=90),
    # Before a placement's mid-term evaluation: the caseworker and the supervisor are reminded.
    "placement_midterm": env.int("LEAD_PLACEMENT_MIDTERM_DAYS", default=14),
    # Before a placement's planned end: reminders, "ending soon" on the board, and the question
    # to the employer about paid work.
    "placement_ending": env.int("LEAD_PLACEMENT_ENDING_DAYS", default=30),
    # Before a consent expires: the warning on the file and the caseworker's reminder.
    "consent_expiring": env.int("LEAD_CONSENT_EXPIRING_DAYS", default=30),
    # A visit's missing report is chased this long after the visit.
    "visit_report_lookback": env.int("LEAD_VISIT_REPORT_LOOKBACK_DAYS", default=60),
    # Rules that fire on a date already passed catch up this far back, no further.
    "followup_catch_up": env.int("LEAD_FOLLOWUP_CATCH_UP_DAYS", default=31),
    # The aldermen's weekly digest lists the visits of this many days ahead.
    "digest_visits_ahead": env.int("LEAD_DIGEST_VISITS_AHEAD_DAYS", default=14),
    # An invitation to the employer portal is valid this long.
    "invitation_valid": env.int("LEAD_INVITATION_VALID_DAYS", default=14),
    # Who filed a placement's evaluation can correct it for this many days.
    "evaluation_correctable": env.int("LEAD_EVALUATION_CORRECTABLE_DAYS", default=7),
    # A new placement may start at most this many days before it is recorded.
    "placement_backdate": env.int("LEAD_PLACEMENT_BACKDATE_DAYS", default=31),
    # Expired portal invitations, undecided and declined company claims are removed this long
    # after they expired, were asked or were declined (portal/retention.py).
    "portal_cleanup": env.int("LEAD_PORTAL_CLEANUP_DAYS", default=30),
}
# A job seeker's file without any activity for this many years is anonymised by the nightly
# housekeeping (jobseekers.services.jobseekers_anonymise_inactive). The default follows the
# retention commonly applied to Participatiewet files; the privacy officer decides
# (docs/privacy.md).
RETENTION_YEARS = env.int("RETENTION_YEARS", default=7)
# Field limits (baanbrekers/limits.py is the table): planned dates (openings, placements) lie
# between 1 January of this year and this many years ahead; phone numbers without a country
# code are read as numbers of this region.
DATES_EARLIEST_YEAR = env.int("DATES_EARLIEST_YEAR", default=2000)
PLANNING_YEARS_AHEAD = env.int("PLANNING_YEARS_AHEAD", default=2)
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="NL")
# Postcodes (employers, job seekers, work locations, tips) lie in the municipalities we serve or
# within this many kilometres of them.
REGION_RADIUS_KM = env.int("REGION_RADIUS_KM", default=25)
# Jobs: "still working there?" checks this many months after the start.
JOB_RETENTION_CHECK_MONTHS = tuple(
    env.list("JOB_RETENTION_CHECK_MONTHS", cast=int, default=[6, 12])
)
# Development placements (ontwikkelplekken): length in months and extensions.
PLACEMENT_MIN_MONTHS = env.int("PLACEMENT_MIN_MONTHS", default=3)
PLACEMENT_DEFAULT_MONTHS = env.int("PLACEMENT_DEFAULT_MONTHS", default=3)
PLACEMENT_MAX_MONTHS = env.int("PLACEMENT_MAX_MONTHS", default=6)
PLACEMENT_MAX_EXTENSIONS = env.int("PLACEMENT_MAX_EXTENSIONS", default=1)
PLACEMENT_MAX_TOTAL_MONTHS = env.int("PLACEMENT_MAX_TOTAL_MONTHS", default=12)
# The savings estimate on the dashboard and the impact statement: average benefit per month
# (euros) and how many months of benefit one person leaving for work is counted to save.
AVERAGE_MONTHLY_BENEFIT = env.int("AVERAGE_MONTHLY_BENEFIT", default=1400)
BENEFIT_MONTHS_SAVED = env.int("BENEFIT_MONTHS_SAVED", default=12)
# Disclosure control for every count shown outside the back office (docs/DESIGN.md section 4):
# 1 to 4 shows as "< 5", other counts are rounded to a multiple of 5, shares and averages need
# a denominator of at least 10.
DISCLOSURE_THRESHOLD = env.int("DISCLOSURE_THRESHOLD", default=5)
DISCLOSURE_ROUNDING = env.int("DISCLOSURE_ROUNDING", default=5)
DISCLOSURE_MIN_DENOMINATOR = env.int("DISCLOSURE_MIN_DENOMINATOR", default=10)
# Imports of spreadsheets (imports/): a file holds at most this many rows and bytes; up to
# IMPORT_INLINE_ROWS rows are checked while the coordinator waits, more in the background; rows
# are read and written in batches of IMPORT_BATCH_SIZE (progress and cancelling between them);
# an uploaded file that is not confirmed is deleted after IMPORT_UNCONFIRMED_HOURS.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Uploads stop being stored at IMPORT_MAX_BYTES, before any middleware reads the body
# (baanbrekers/uploads.py); Django's own handlers come after it.
FILE_UPLOAD_HANDLERS = [
    "baanbrekers.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=500)
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=500)
IMPORT_UNCONFIRMED_HOURS = env.int("IMPORT_UNCONFIRMED_HOURS", default=24)

# --- Personal data at rest (see baanbrekers/crypto.py) --------------------------------------
# Fernet keys, comma-separated; the first encrypts, all decrypt (rotation). Generate one with
# python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
# Key of the keyed hash that finds a BSN by exact value; changing it needs a re-index.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY")

# --- Demo data ------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")
