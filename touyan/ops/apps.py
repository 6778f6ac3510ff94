from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: health check, backup and restore, the stale-job reaper, retention (R-DATA-07)."""

    name = "touyan.ops"
    label = "ops"
