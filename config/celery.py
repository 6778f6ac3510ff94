"""Celery application. Eager in the default setup (no broker configured)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("touyan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
