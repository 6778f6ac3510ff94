"""Production settings: every secret comes from the environment.

Start with DJANGO_SETTINGS_MODULE=config.settings.production and set
DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, TOUYAN_DATA_KEY and
TOUYAN_INDEX_KEY; the process refuses to start without them, and with malformed keys
(TOUYAN_DATA_KEY must be base64 of 32 bytes, TOUYAN_INDEX_KEY at least 32 characters).
"""

import base64
import binascii
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


def data_key(name: str) -> str:
    """An AES-256 key (R-DATA-03): base64 of exactly 32 random bytes, or the process refuses to start."""
    value = required(name)
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 random bytes (not valid base64)") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be base64 of 32 random bytes (got {len(raw)} bytes)")
    return value


def index_key(name: str, minimum: int = 32) -> str:
    """The HMAC key of the blind index: at least `minimum` characters."""
    value = required(name)
    if len(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} characters long")
    return value


SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
TOUYAN_DATA_KEY = data_key("TOUYAN_DATA_KEY")
TOUYAN_INDEX_KEY = index_key("TOUYAN_INDEX_KEY")
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
