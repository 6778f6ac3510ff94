"""Demo of selection (`make demo`): a joint-review officer for each department of 兴义市 (522301)
and, in the example township, a few candidates in various states — nominated, in joint review
(some departments answered), a soft flag waiting for the township, one in publicity.

Written through the services (the same audit trail as real use); a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from touyan.accounts.models import Department, Role, User
from touyan.accounts.services import user_create
from touyan.cadres.selectors import current_posts
from touyan.policy.params import DEFAULT_REVIEW_DEPTS
from touyan.regions.models import Region

from . import services
from .models import Case, Review

COUNTY = "522301000000"  # 兴义市
ROUND = "演示换届批次"


def _reviewers(actor: Any, password: str) -> dict[str, User]:
    county = Region.objects.get(code=COUNTY)
    out: dict[str, User] = {}
    for dept in DEFAULT_REVIEW_DEPTS:
        username = f"review_{dept}_522301"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=actor,
                username=username,
                password=password,
                role=Role.REVIEWER,
                region_code=county.code,
                display_name=f"{county.name}{Department(dept).label}联审员",
                department=dept,
            )
        out[dept] = user
    return out


def _answer(reviewer: User, case: Case, result: str, reason: str = "") -> None:
    review = Review.objects.get(case=case, department=reviewer.department)
    services.review_answer(actor=reviewer, review_id=review.pk, result=result, reason=reason)


def load_demo_selection(
    *,
    actor: Any,
    township: Region,
    password: str,
    logins: Any,
    say: Callable[[str], None] = print,
    today: dt.date | None = None,
) -> int:
    """Write the demo once; return the number of demo cases."""
    if not township.code.startswith(COUNTY[:6]):
        return 0
    day = today or timezone.localdate()
    reviewers = _reviewers(actor, password)
    if not any(r[0] == "review_police_522301" for r in logins.rows):
        logins.add(
            "review_police_522301",
            "联审部门(公安;每个部门一个: review_部门代码_522301)",
            "兴义市",
            "联审部门:联审任务(手机可用),勾选本页人选一并反馈无异议;只看到本部门的意见",
        )
    existing = Case.objects.filter(village__code__startswith=township.code[:9], election_round=ROUND).count()
    if existing:
        say(f"  选用演示已就绪: {existing} 个案件")
        return existing
    officer = User.objects.filter(role=Role.TOWNSHIP_OFFICER, region=township).order_by("id").first()
    if officer is None:
        return 0
    busy = set(Case.objects.values_list("cadre_id", flat=True))
    picks = list(
        current_posts(day)
        .filter(village__code__startswith=township.code[:9], post="VM", full_time=False)
        .exclude(person_id__in=busy)
        .order_by("village_id", "person_id")
        .values_list("person_id", "village_id")[:4]
    )
    if len(picks) < 4:
        say("  选用演示:示例乡镇在任村委会委员不足 4 人,已跳过")
        return 0
    with transaction.atomic():
        cases = [
            services.case_create(
                actor=officer, cadre_id=pid, purpose="election", village=village, post="VM", election_round=ROUND
            )
            for pid, village in picks
        ]
        _nominated, in_review, soft, public = cases
        for c in (in_review, soft, public):
            services.case_submit(actor=officer, case_id=c.pk, today=day)
        _answer(reviewers["police"], in_review, "clear")
        _answer(reviewers["discipline"], in_review, "clear")
        for dept, reviewer in reviewers.items():
            if dept == "petition":
                _answer(reviewer, soft, "bar_soft", "2022年曾参与组织非正常上访,已教育处理")
            else:
                _answer(reviewer, soft, "clear")
            _answer(reviewer, public, "clear")
        services.case_publicize(actor=officer, case_id=public.pk, start_date=day, today=day)
    say(f"  选用演示: {township.name} 4 个案件(已提名、联审中、待乡镇研究、公示中); 联审部门账号 {len(reviewers)} 个")
    return len(cases)


def demo_step(*, actor: Any, township: Region, password: str, logins: Any, say: Callable[[str], None]) -> None:
    """The demo step touyan.demo.loader runs after its own."""
    load_demo_selection(actor=actor, township=township, password=password, logins=logins, say=say)
