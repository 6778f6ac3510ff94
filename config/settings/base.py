"""Settings for Touyan.

Working defaults for every setting so that `migrate`, `createsuperuser` and
`runserver` need nothing set. `DATABASE_URL` selects the database
(`sqlite:///path` or `postgres://…`); without it a SQLite file in the project
folder is used. Production (config.settings.production) demands real secrets.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "touyan-development-only-secret-key-not-for-production-use-0001")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "simple_history",
    "touyan.core",
    "touyan.regions",
    "touyan.accounts",
    "touyan.audit",
    "touyan.policy",
    "touyan.regionadmin",
    "touyan.cadres",
    "touyan.attendance",
    "touyan.assessment",
    "touyan.training",
    "touyan.payroll",
    "touyan.affairs",
    "touyan.selection",
    "touyan.dashboards",
    "touyan.api",
    "touyan.shell",
    "touyan.demo",
    "ninja",
]

MIDDLEWARE = [
    "touyan.api.middleware.BearerApiMiddleware",  # bearer-token API requests take API_BEARER_MIDDLEWARE
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "touyan.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "touyan.audit.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "touyan.accounts.enforce.AccessMiddleware",  # the access table (accounts.access), fail closed
]

# The short chain of a bearer-token API request (touyan/api/middleware.py): no session, CSRF,
# messages, page CSP or axes, which do nothing for it; its language and headers are set by
# BearerRequestMiddleware.
API_BEARER_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "touyan.api.middleware.BearerRequestMiddleware",
    "touyan.audit.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "touyan.accounts.enforce.AccessMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "touyan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "touyan.shell.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'touyan.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off. The ORM's queries bind on the client and are
    # never prepared whatever this says; only the hand-built statements of the check-in hot path
    # (touyan.core.statements, issue #4) bind on the server, and this lets PostgreSQL keep their plans
    # after their fifth use on a connection. Behind PgBouncer in transaction mode this needs
    # PgBouncer ≥ 1.21 with max_prepared_statements set, or TOUYAN_DB_PREPARE_THRESHOLD=0 (no
    # prepared statements; docs/operations.md).
    _prepare = int(os.environ.get("TOUYAN_DB_PREPARE_THRESHOLD", "5"))
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = _prepare if _prepare > 0 else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle sessions end after 30 minutes: each request renews the cookie.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# django-axes: lock the username+address pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "touyan.accounts.lockout.lockout_response"
AXES_VERBOSE = False

API_TOKEN_DAYS = int(os.environ.get("TOUYAN_API_TOKEN_DAYS", "30"))
# How long a worker process trusts a token it has just checked (touyan.accounts.services.token_user,
# docs/operations.md): a revoked token or a deactivated user is refused by every process within this.
API_TOKEN_CACHE_SECONDS = max(0, int(os.environ.get("TOUYAN_API_TOKEN_CACHE_SECONDS", "10")))

# --- Content security: everything from our own origin -------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # ECharts and Bootstrap set inline style attributes from script.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- i18n: Simplified Chinese first, English available --------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # ISO dates in every date input (issue 16)
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

# --- Static files: vendored from the npm registry, served by WhiteNoise ----
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles" if (BASE_DIR / "staticfiles").exists() else None
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

# --- Task queue: Celery, eager unless a broker is configured --------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in os.environ
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# --- Personal data keys (R-DATA-03) ---------------------------------------
# The demo and tests use fixed development keys; production demands its own.
TOUYAN_DATA_KEY = os.environ.get("TOUYAN_DATA_KEY", "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGlvbg==")
TOUYAN_INDEX_KEY = os.environ.get("TOUYAN_INDEX_KEY", "development-index-key-not-for-production")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TOUYAN_LOG_LEVEL", "WARNING")},
}

# --- Issue 21: two-factor login, jobs that survive a killed worker, operations -------------
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "touyan.ops"]
# django-otp marks a session verified by a one-time code; SecurityGateMiddleware sends a user who
# must enrol a second factor or change a password to that page first (touyan/accounts/gate.py).
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "django_otp.middleware.OTPMiddleware",
    "touyan.accounts.gate.SecurityGateMiddleware",
]
# Roles that log in to the web with a TOTP code (R-DATA-06: two-factor login for administrators);
# enrolment is forced at their first login. Comma-separated role codes.
TOUYAN_REQUIRE_2FA_ROLES = [
    r.strip()
    for r in os.environ.get("TOUYAN_REQUIRE_2FA_ROLES", "admin,finance,auditor,security_admin").split(",")
    if r.strip()
]
OTP_TOTP_ISSUER = "头雁 Touyan"
# A dropped PostgreSQL connection is found before a request uses it (issue 21, finding 7).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A task is acknowledged when it ends, not when it starts: a worker killed mid-task leaves its
# message to be delivered again (core.queue.job_attempt counts the tries on the job).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("TOUYAN_TASK_QUEUE", "celery")  # tasks sent by tasks go here too
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("TOUYAN_TASK_VISIBILITY_SECONDS", "3600"))}
CELERY_BEAT_SCHEDULE = {
    "reap-stale-jobs": {"task": "touyan.ops.tasks.reap_stale_jobs_task", "schedule": 15 * 60},
    "retention-purge": {"task": "touyan.ops.tasks.retention_purge_task", "schedule": 24 * 60 * 60},
}
# Without a broker, tasks a page starts run in a background thread of the web process (the page
# answers at once; the job page shows the progress); the tests run them inline.
TOUYAN_EAGER_BACKGROUND = env_bool("TOUYAN_EAGER_BACKGROUND", True)
TOUYAN_TASK_MAX_ATTEMPTS = int(os.environ.get("TOUYAN_TASK_MAX_ATTEMPTS", "3"))
TOUYAN_JOB_STALE_MINUTES = int(os.environ.get("TOUYAN_JOB_STALE_MINUTES", "120"))

# --- Village affairs: the public pages (touyan/affairs/throttle.py, docs/operations.md) ------
# Villagers' objections per client address: "count/seconds". The counters live in the default cache.
TOUYAN_OBJECTION_RATE = os.environ.get("TOUYAN_OBJECTION_RATE", "20/3600")
# Reverse proxies in front of the app that append to X-Forwarded-For (nginx alone: 1).
TOUYAN_TRUSTED_PROXY_HOPS = int(os.environ.get("TOUYAN_TRUSTED_PROXY_HOPS", "0"))
# The address the QR codes hold (e.g. https://cun.example.gov.cn); empty: the request's own host.
TOUYAN_PUBLIC_BASE_URL = os.environ.get("TOUYAN_PUBLIC_BASE_URL", "")
# How long the cockpit's figures and the alerts may be served from the cache (0: computed for every
# page; docs/operations.md "How the figures stay fresh").
TOUYAN_DASHBOARD_CACHE_SECONDS = max(0, int(os.environ.get("TOUYAN_DASHBOARD_CACHE_SECONDS", "0")))
