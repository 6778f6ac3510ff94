"""Demo cadre development for `make demo`: in the example township, this year's courses — a
prefecture course of 3 days, two township sessions of 4 and 3 days, a county political rotation of
5 days and an online course — with the secretaries on every roll and the other cadres on the
township sessions only, leaving the second a day early (so the compliance board shows who is
short of what); a reserve for the secretary's post in the first villages (one village keeps one
short of two); a social-worker certificate; a secondment last month (its workdays present in attendance).

Everything goes through the services, so the audit trail is the real one. A township that already
has the demo's courses is left as it is. Kept small: the first five villages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from touyan.cadres.selectors import current_posts
from touyan.regions.models import Region

from . import services
from .models import Certificate, TrainingEvent

VILLAGES = 5
TITLE = "专业化村党组织书记示范培训班"


def _day(year: int, month: int, day: int, today: dt.date) -> dt.date:
    d = dt.date(year, month, day)
    return d if d <= today else today - dt.timedelta(days=1)


def load_demo_training(
    *, actor: Any, township: Region, say: Callable[[str], None] = print, today: dt.date | None = None
) -> int:
    """Write the demo once; return how many cadres it put on rolls."""
    today = today or timezone.localdate()
    if TrainingEvent.objects.filter(region=township, title=TITLE).exists():
        say(f"  干部培养演示已就绪: {township.name}")
        return 0
    villages = list(
        Region.objects.filter(parent=township, level="village").order_by("code").values_list("code", flat=True)
    )[:VILLAGES]
    posts = list(
        current_posts(today)
        .filter(village_id__in=villages)
        .exclude(post="RSV")
        .order_by("village_id", "person_id")
        .values_list("person_id", "village_id", "post")
    )
    if not posts:
        say("  干部培养演示:示例乡镇没有在任干部,已跳过")
        return 0
    secretaries = sorted({pid for pid, _v, post in posts if post == "PS"})
    everyone = sorted({pid for pid, _v, _p in posts})
    y = today.year
    courses = [
        (TITLE, "prefecture", "central", (3, 10), 3, secretaries),
        ("乡镇村干部能力提升培训(第一期)", "township", "central", (4, 13), 4, everyone),
        ("乡镇村干部能力提升培训(第二期)", "township", "central", (6, 8), 3, everyone),
        ("村党组织书记政治轮训", "county", "political_rotation", (7, 6), 5, secretaries),
    ]
    added = 0
    with transaction.atomic():
        for title, level, kind, (m, d), days, people in courses:
            start = _day(y, m, d, today)
            event = services.event_create(
                actor=actor, title=title, level=level, kind=kind, start_date=start,
                end_date=start + dt.timedelta(days=days - 1), days=days, region_code=township.code,
                place=township.name,
            )  # fmt: skip
            for pid in people:
                # the other cadres leave the second session a day early: 6 days, short of 56 hours
                part = days - 1 if m == 6 and pid not in secretaries else None
                _row, created = services.attendee_add(
                    actor=actor, event_id=event.pk, cadre_id=pid, days=part, passed=True
                )
                added += created
        online = services.event_create(
            actor=actor, title="网络学院:乡村振兴政策解读", level="province", kind="online",
            start_date=_day(y, 9, 1, today), end_date=_day(y, 9, 30, today), days=0, minutes=45,
            region_code=township.code,
        )  # fmt: skip
        for pid in everyone[:10]:
            services.attendee_add(actor=actor, event_id=online.pk, cadre_id=pid)
        # reserves for the secretary's post: two in the first village, one in the next (short)
        members = [(pid, v) for pid, v, post in posts if post in ("VM", "VDD", "PCM")]
        by_village: dict[str, list[int]] = {}
        for pid, v in members:
            by_village.setdefault(v, []).append(pid)
        sources = ["returning_graduate", "capable_farmer", "veteran"]
        for i, v in enumerate(villages[:2]):
            for j, pid in enumerate(by_village.get(v, [])[: 2 - i]):
                services.reserve_create(
                    actor=actor, cadre_id=pid, village_code=v, target_post="PS", source=sources[(i + j) % 3],
                    since=dt.date(y - 1, 3, 1),
                )  # fmt: skip
        if everyone and not Certificate.objects.filter(number=f"SW{township.code[:9]}01").exists():
            services.certificate_create(
                actor=actor, cadre_id=everyone[-1], kind="social_worker", number=f"SW{township.code[:9]}01",
                issued_on=dt.date(y - 1, 6, 20),
            )  # fmt: skip
        if secretaries:
            first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            last = today.replace(day=1) - dt.timedelta(days=1)
            services.secondment_create(
                actor=actor, cadre_id=secretaries[0], host="市农业农村局", host_level="city", start_date=first,
                end_date=last, post_title="科员(挂职)",
            )  # fmt: skip
    say(f"  干部培养演示: {len(courses) + 1} 期培训, {added} 人次参训 → /training/compliance/?region={township.code}")
    return added


def demo_step(*, actor: Any, township: Region, password: str, logins: Any, say: Callable[[str], None]) -> None:
    """`make demo`'s step (run by touyan.demo.loader): the demo above."""
    load_demo_training(actor=actor, township=township, say=say)
