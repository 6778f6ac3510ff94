"""Periodic operations tasks, scheduled by Celery beat (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="touyan.ops.tasks.reap_stale_jobs_task")
def reap_stale_jobs_task() -> dict[str, int]:
    from .reaper import reap_stale_jobs

    out = reap_stale_jobs()
    return {"failed": out.failed, "uploads_removed": out.uploads_removed}


@shared_task(name="touyan.ops.tasks.retention_purge_task")
def retention_purge_task() -> dict[str, int]:
    from .retention import purge_all

    return purge_all().deleted
