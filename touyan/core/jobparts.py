"""A job done by many tasks at once (a Celery group): one part job per task, and the parent job's
progress summed over its parts (issue 21, "a real task queue").

The parent's `outcome["parts"]` maps each part's key (e.g. a province code) to its part job. A task
writes its own part's progress (core.jobs.job_progress, no contention between tasks) and then
`parts_refresh` sets the parent's done/total to the sums — in one UPDATE through a short second
connection when the task is inside a long transaction on PostgreSQL, so neither the parent's row
nor the page waits for another task's commit. The part that ends last closes the parent with the
combined outcome (`parts_close_if_done`, under a row lock, so it happens exactly once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import Sum

from .jobs import job_fail, job_finish, job_start
from .models import Job

PART_SUFFIX = ".part"


def parts_start(parent: Job, keys: list[str]) -> dict[str, Job]:
    """A part job for each key, recorded on the parent (which shows their summed progress)."""
    parts = {
        key: job_start(actor=parent.created_by, kind=parent.kind + PART_SUFFIX, region_code=key[:12], message=key)
        for key in keys
    }
    parent.outcome = {**(parent.outcome or {}), "parts": {k: j.pk for k, j in parts.items()}}
    Job.objects.filter(pk=parent.pk).update(outcome=parent.outcome)
    return parts


def part_ids(parent_id: int) -> list[int]:
    outcome = Job.objects.filter(pk=parent_id).values_list("outcome", flat=True).first() or {}
    return [int(i) for i in (outcome.get("parts") or {}).values()]


def parts_refresh(parent_id: int, ids: list[int]) -> None:
    """The parent's done/total := the sums over its parts, and it is running."""
    main = connections[DEFAULT_DB_ALIAS]
    if main.vendor == "postgresql" and main.in_atomic_block:
        table = main.ops.quote_name(Job._meta.db_table)
        side = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with side.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
                cursor.execute(
                    f"UPDATE {table} p SET done = s.done, total = s.total, status = %s,"  # noqa: S608
                    f" started_at = COALESCE(p.started_at, now())"
                    f" FROM (SELECT COALESCE(SUM(done), 0) AS done, COALESCE(SUM(total), 0) AS total"
                    f" FROM {table} WHERE id = ANY(%s)) s WHERE p.id = %s AND p.status IN (%s, %s)",
                    [Job.Status.RUNNING, ids, parent_id, Job.Status.QUEUED, Job.Status.RUNNING],
                )
            return
        except DatabaseError:
            return  # the parent is busy: the next refresh catches up
        finally:
            side.close()
    sums = Job.objects.filter(pk__in=ids).aggregate(done=Sum("done"), total=Sum("total"))
    Job.objects.filter(pk=parent_id, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        done=sums["done"] or 0, total=sums["total"] or 0, status=Job.Status.RUNNING
    )


def parts_close_if_done(parent_id: int, combine: Callable[[list[Job]], tuple[dict[str, Any], str, bool]]) -> Job | None:
    """When every part has ended, close the parent once: `combine(parts)` gives (outcome, message,
    failed). Returns the closed parent, or None while parts are still running (or it was closed)."""
    with transaction.atomic():
        parent = Job.objects.select_for_update().filter(pk=parent_id).first()
        if parent is None or parent.finished:
            return None
        ids = [int(i) for i in (parent.outcome.get("parts") or {}).values()]
        parts = list(Job.objects.filter(pk__in=ids).order_by("pk"))
        if any(not p.finished for p in parts) or len(parts) != len(ids):
            return None
        outcome, message, failed = combine(parts)
        outcome = {**outcome, "parts": parent.outcome.get("parts")}
        parent.done = sum(p.done for p in parts)
        parent.total = sum(p.total for p in parts)
        if failed:
            return job_fail(parent, message=message, outcome=outcome)
        return job_finish(parent, outcome=outcome, message=message)
