"""The national pay batch over Celery workers (issue 21, "a real task queue"): one task per province
(under a province, per prefecture; under a prefecture, per county), run as a Celery group, each
calling the batch's one entry point `payruns_open_and_calculate_many` on its prefix. The job shown
to the user is the parent; its progress is the sum of its parts' (core.jobparts), and the part that
ends last closes it with the combined totals. A part delivered again after a killed worker resumes
(the entry point skips regions already paid: each group of runs is one transaction).

Kept beside tasks.py, around the existing entry point, while the payroll app is being restructured;
tasks.py imports it so workers register the tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

from celery import group, shared_task
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import User
from touyan.accounts.scope import NATIONAL, require, scope_prefix
from touyan.cadres.models import Post
from touyan.core.errors import DomainError, Forbidden
from touyan.core.jobparts import part_ids, parts_close_if_done, parts_refresh, parts_start
from touyan.core.jobs import job_fail, job_finish, job_progress
from touyan.core.models import Job
from touyan.core.money import format_yuan
from touyan.core.queue import job_attempt
from touyan.regions import rules as region_rules
from touyan.regions.selectors import access_region

from .services import payruns_open_and_calculate_many

FAN_OUT = "payroll.calculate_fanout"
PART_LENGTH = {0: 2, 2: 4, 4: 6}  # a prefix's parts: the country's provinces, a province's prefectures …

log = logging.getLogger(__name__)


def batch_parts(month: dt.date, prefix: str) -> list[str]:
    """The prefixes one level below `prefix` that have posts, largest first (a county or finer is
    one part)."""
    n = PART_LENGTH.get(len(prefix))
    if n is None:
        return [prefix]
    first = month.replace(day=1)
    rows = (
        Post.objects.filter(village__code__startswith=prefix, start_date__lt=_next_month(first))
        .exclude(end_date__lt=first)
        .annotate(part=Substr("village_id", 1, n))
        .values("part")
        .annotate(posts=Count("id"))
        .order_by("-posts", "part")
        .values_list("part", flat=True)
    )
    return list(rows) or [prefix]  # the largest first, so the workers end together


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _check(actor: Any, prefix: str) -> None:
    require(actor, account_rules.CADRES_WRITE)
    if prefix:
        access_region(actor=actor, code=prefix.ljust(region_rules.CODE_LENGTH, "0"))
    elif scope_prefix(actor) != NATIONAL:
        raise Forbidden(_("全国批量计算需全国管理权限"))


def _outcome(out: Any) -> dict[str, Any]:
    return {"runs": out.runs, "payslips": out.payslips, "lines": out.lines, "total": str(out.total),
            "skipped": len(out.skipped), "refused": out.refused}  # fmt: skip


def _combine(parts: list[Job]) -> tuple[dict[str, Any], str, bool]:
    done = [p for p in parts if p.status == Job.Status.DONE]
    failed = [p for p in parts if p.status != Job.Status.DONE]
    total = sum((Decimal(p.outcome.get("total", "0")) for p in done), start=Decimal(0))
    refused: dict[str, str] = {}
    for p in done:
        refused.update(p.outcome.get("refused") or {})

    def summed(key: str) -> int:
        return sum(int(p.outcome.get(key, 0)) for p in done)

    outcome = {
        "runs": summed("runs"), "payslips": summed("payslips"), "lines": summed("lines"), "total": str(total),
        "skipped": summed("skipped"), "refused": refused, "failed_parts": [p.message[:80] for p in failed],
    }  # fmt: skip
    if failed:
        message = _("%(n)s 个部分未能完成,可重新发起(已完成的不会重复计算):%(m)s") % {
            "n": len(failed), "m": ";".join(p.message for p in failed)[:300],
        }  # fmt: skip
        return outcome, message, True
    message = _("已计算 %(r)s 个批次 %(n)s 人,合计 %(t)s") % {
        "r": outcome["runs"], "n": outcome["payslips"], "t": format_yuan(total),
    }  # fmt: skip
    return outcome, message, False


@shared_task
def calculate_runs_fanout_task(month: str, prefix: str, user_id: int, job_id: int) -> dict[str, Any]:
    """Fan the month's batch under `prefix` out to one task per part (a Celery group)."""
    user = User.objects.get(pk=user_id)
    job = job_attempt(job_id)
    if job is None:
        return {"skipped": True}
    if (job.outcome or {}).get("parts"):  # delivered again after the group was sent: the parts go on
        return {"parts": len(job.outcome["parts"])}
    try:
        _check(user, prefix)
    except DomainError as exc:
        job_fail(job, message=exc.text())
        return {"error": exc.text()}
    keys = batch_parts(dt.date.fromisoformat(month), prefix)
    parts = parts_start(job, keys)
    job_progress(job, done=0, total=0, message=_("正在计算…(%(n)s 个部分并行)") % {"n": len(keys)})
    group(calculate_runs_part_task.s(month, key, user_id, parts[key].pk, job.pk) for key in keys).apply_async()
    return {"parts": len(keys)}


@shared_task
def calculate_runs_part_task(month: str, prefix: str, user_id: int, part_id: int, parent_id: int) -> dict[str, Any]:
    """One part of the batch: payruns_open_and_calculate_many over `prefix`, progress into the part and
    the parent's sums; the last part to end closes the parent."""
    part = job_attempt(part_id)
    if part is None:
        parts_close_if_done(parent_id, _combine)
        return {"skipped": True}
    user = User.objects.get(pk=user_id)
    ids = part_ids(parent_id)

    def progress(done: int, total: int) -> None:
        if job_progress(part, done=done, total=total):
            parts_refresh(parent_id, ids)

    try:
        out = payruns_open_and_calculate_many(
            actor=user, month=dt.date.fromisoformat(month), prefix=prefix, progress=progress
        )
    except DomainError as exc:
        job_fail(part, message=f"{prefix}: {exc.text()}"[:480])
        parts_close_if_done(parent_id, _combine)
        return {"error": exc.text()}
    except Exception:
        job_fail(part, message=_("%(p)s 计算失败,请稍后重试或联系管理员") % {"p": prefix})
        parts_close_if_done(parent_id, _combine)
        log.exception("payroll batch part %s %s failed", prefix, month)
        raise
    outcome = _outcome(out)
    job_finish(part, outcome=outcome, message=prefix)
    parts_refresh(parent_id, ids)
    parts_close_if_done(parent_id, _combine)
    return outcome
