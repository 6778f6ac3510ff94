"""Settings for bench/public_objections.py only: the production settings (DEBUG off, Redis as the
shared cache when TOUYAN_CACHE_URL is set, one proxy hop trusted for the client's address) with the
bench URLConf (bench/att_urls.py: the project's URLs plus a trivial view, the reference). The bench
sets the secrets production requires to throwaway values. Never used outside the bench."""

import warnings

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.att_urls"
SECURE_SSL_REDIRECT = False  # plain HTTP on loopback; the bench's requests carry X-Forwarded-Proto
# The manifest needs `collectstatic`; the public page links no static file, the bench serves no other page.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}

warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic in the bench
