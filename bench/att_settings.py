"""Settings for bench/attendance_post.py only: the project's base settings with the bench URLConf
(bench/att_urls.py), which adds a trivial view to time beside the API. Never used outside the bench."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.att_urls"

# Keep each worker's connection for the whole run (production: 60 s), so the bench can add up the CPU
# time of the PostgreSQL backends serving the workers; one reconnect a minute costs nothing measurable.
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
