"""Production settings: every secret comes from the environment.

Start with DJANGO_SETTINGS_MODULE=config.settings.production and set
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, TOUYAN_DATA_KEY and
TOUYAN_INDEX_KEY; the process refuses to start without them.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
TOUYAN_DATA_KEY = required("TOUYAN_DATA_KEY")
TOUYAN_INDEX_KEY = required("TOUYAN_INDEX_KEY")
required("DATABASE_URL")
DEBUG = False

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "INFO"}}  # noqa: F405
STATIC_ROOT = BASE_DIR / "staticfiles"  # noqa: F405

# One cache shared by every worker (the objection rate limit of the public pages counts per client
# across processes): Redis when TOUYAN_CACHE_URL is set, e.g. redis://127.0.0.1:6379/1.
if os.environ.get("TOUYAN_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["TOUYAN_CACHE_URL"],
        }
    }
TOUYAN_TRUSTED_PROXY_HOPS = int(os.environ.get("TOUYAN_TRUSTED_PROXY_HOPS", "1"))
