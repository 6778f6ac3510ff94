"""The stale-job reaper: a job still `queued` or `running` long after it began had its process
killed (a worker lost, a web process restarted under a background task) and nobody will finish
it. It is failed with a message, and its uploaded file (plaintext ID numbers, R-DATA-03) removed.
Run by Celery beat (`touyan.ops.tasks.reap_stale_jobs`) and by `manage.py reap_jobs`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.core.jobs import job_fail, job_root, job_uploads_remove
from touyan.core.models import Job


@dataclass(frozen=True)
class Reaped:
    failed: int
    uploads_removed: int


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=max(1, int(getattr(settings, "TOUYAN_JOB_STALE_MINUTES", 120))))


def reap_stale_jobs(*, now: dt.datetime | None = None, older_than: dt.timedelta | None = None) -> Reaped:
    """Fail every unfinished job begun (or queued) more than `older_than` ago and remove the uploads
    of every job that has ended, whoever ended it."""
    limit = (now or timezone.now()) - (older_than or stale_after())
    stale = Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).filter(
        Q(started_at__lt=limit) | Q(started_at__isnull=True, created_at__lt=limit)
    )
    failed = 0
    for job in stale.order_by("pk"):
        job_fail(job, message=_("任务长时间未完成,已判定中断(可能是后台进程被终止)。请重新发起"))
        failed += 1
    removed = 0
    root = job_root()
    if root.is_dir():
        open_jobs = set(
            Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).values_list("pk", flat=True)
        )
        for folder in root.iterdir():
            if folder.is_dir() and folder.name.isdigit() and int(folder.name) not in open_jobs:
                removed += job_uploads_remove(int(folder.name))
    return Reaped(failed=failed, uploads_removed=removed)
