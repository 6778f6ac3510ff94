"""Settings for the load test (bench/load.py) only: the project's settings with the server-timing
middleware (bench/timing.py) first. Never used outside the bench."""

from config.settings.base import *  # noqa: F403

MIDDLEWARE = ["bench.timing.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
# The workbench's alert count, the alerts centre and the cockpit read their figures through the cache
# for 5 minutes, as production would (docs/operations.md).
TOUYAN_DASHBOARD_CACHE_SECONDS = 300
