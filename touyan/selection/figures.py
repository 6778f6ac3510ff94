"""Selection's figures and alerts for the oversight cockpit (SPEC A8): open and overdue joint
reviews (R-ELIG-04, WF-1), quota use (R-POS-01 3 per village, R-POS-03 50 % professionalized
secretaries, R-POS-04 30 % young cadres: the county's quota board) and the career channels
(R-TRN-07).

Plain functions of (region, day), set-based (grouped queries, never one per village or case); the
dashboards app, above selection in the layers, registers `selection_block` as its `selection` block
and the `*_alerts` functions as alert sources. An alert here is a dict with the keys of
`dashboards.alerts.Alert`. Cases and reviews are counted in their current state (the workflow keeps
no state by day); reviews overdue on `on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.regions.models import Region

from .models import CareerMove, Case, Review
from .selectors import quota_rows

Alert = dict[str, Any]


def _under(prefix: str, field: str = "village_id") -> Q:
    if not prefix:
        return Q()
    return Q(**{f"{field}__gte": prefix.ljust(12, "0"), f"{field}__lte": prefix.ljust(12, "9")})


def open_reviews(region: Region) -> Any:
    """Unanswered department reviews of the region's cases in joint review (R-ELIG-04)."""
    return Review.objects.filter(
        _under(region.prefix, "case__village_id"), result="", case__state=Case.State.JOINT_REVIEW
    )


def quota_figures(region: Region, on: dt.date) -> dict[str, int]:
    """The quota board's sums (selection.quota_rows): villages, full-time cadres against 3 per
    village, villages over it, professionalized secretaries and young cadres against their caps (½
    and 30 % of each township's villages, summed), and the townships over each cap."""
    rows = quota_rows(prefix=region.prefix, today=on)
    return {
        "townships": len(rows),
        "villages": sum(r.villages for r in rows),
        "full_time": sum(r.full_time for r in rows),
        "full_time_quota": sum(r.full_time_quota for r in rows),
        "villages_over": sum(len(r.villages_over) for r in rows),
        "prof_secretaries": sum(r.prof_secretaries for r in rows),
        "prof_cap": sum(r.prof_cap for r in rows),
        "prof_over_townships": sum(1 for r in rows if r.prof_secretaries > r.prof_cap),
        "young": sum(r.young for r in rows),
        "young_cap": sum(r.young_cap for r in rows),
        "young_over_townships": sum(1 for r in rows if r.young > r.young_cap),
    }


def selection_block(region: Region, on: dt.date) -> dict[str, Any]:
    """Cases by state (`cases`, every state's count) and `open_cases` (not in office, withdrawn or
    rejected); joint reviews: cases in joint review, reviews unanswered, overdue on `on` (past the
    due date, escalated to the county, WF-1); quota use (`quota`); career moves of on's year by
    channel (R-TRN-07)."""
    states = dict(
        Case.objects.filter(_under(region.prefix))
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("state", "n")
    )
    cases = {s: states.get(s, 0) for s in Case.State.values}
    closed = (Case.State.IN_OFFICE, Case.State.WITHDRAWN, Case.State.REJECTED)
    reviews = open_reviews(region).aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=on)))
    moves = dict(
        CareerMove.objects.filter(_under(region.prefix), date__year=on.year, date__lte=on)
        .values("channel")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("channel", "n")
    )
    careers = {c: moves.get(c, 0) for c in CareerMove.Channel.values}
    return {
        "cases": cases,
        "open_cases": sum(n for s, n in cases.items() if s not in closed),
        "joint_review_cases": cases[Case.State.JOINT_REVIEW],
        "reviews_open": reviews["open"],
        "reviews_overdue": reviews["overdue"],
        "quota": quota_figures(region, on),
        "career_year": on.year,
        "career_moves": careers | {"total": sum(careers.values())},
    }


def review_alerts(region: Region, on: dt.date) -> Iterator[Alert]:
    """R-ELIG-04 / WF-1: each department review past its due date without an answer; the
    department must answer, the county follows it up."""
    departments = dict(Review._meta.get_field("department").choices or [])
    rows = (
        open_reviews(region)
        .filter(due_date__lt=on)
        .order_by("due_date", "pk")
        .values_list("case__village_id", "case__village__name", "case__cadre__name", "department", "due_date")
    )
    for village, vname, cadre, dept, due in rows:
        yield {
            "kind": "review_overdue",
            "rule": "R-ELIG-04",
            "region": village,
            "subject": _("%(v)s %(c)s 的联审:%(d)s 逾期未反馈")
            % {"v": vname, "c": cadre, "d": departments.get(dept, dept)},
            "due_date": due,
            "owner_role": Role.REVIEWER,
            "resolution": _("联审部门反馈意见;县级督办"),
        }


def share_quota_alerts(region: Region, on: dt.date) -> Iterator[Alert]:
    """R-POS-03/04: each township whose professionalized secretaries exceed ½ of its villages, or
    whose young professional cadres exceed 30 % of them; due at once (the county's filing desk)."""
    for r in quota_rows(prefix=region.prefix, today=on):
        if r.prof_secretaries > r.prof_cap:
            yield {
                "kind": "share_quota_exceeded",
                "rule": "R-POS-03",
                "region": r.code,
                "subject": _("%(t)s 专业化书记 %(n)s 人,超过上限 %(c)s 人")
                % {"t": r.name, "n": r.prof_secretaries, "c": r.prof_cap},
                "due_date": None,
                "owner_role": Role.ADMIN,
                "resolution": _("调整专业化书记名单,报市级备案"),
            }
        if r.young > r.young_cap:
            yield {
                "kind": "share_quota_exceeded",
                "rule": "R-POS-04",
                "region": r.code,
                "subject": _("%(t)s 年轻专业化干部 %(n)s 人,超过上限 %(c)s 人")
                % {"t": r.name, "n": r.young, "c": r.young_cap},
                "due_date": None,
                "owner_role": Role.ADMIN,
                "resolution": _("调整年轻专业化干部名单"),
            }


ALERTS = {"review_overdue": review_alerts, "share_quota_exceeded": share_quota_alerts}
