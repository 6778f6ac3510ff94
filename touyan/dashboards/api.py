"""/api/v1/dashboards and /api/v1/alerts (SPEC A8): a region's figures and its broken rules.

`GET /api/v1/dashboards/{code}?on=DATE` returns every registered block (`dashboards.figures`);
`GET /api/v1/alerts?region=CODE&on=DATE&kind=…` the alerts (`dashboards.alerts`) as
`{items: [{kind, rule, region, subject, due_date, owner_role, state, resolution}], total}`.
Both for admin, township officer, liaison and finance within their region (403 for any other role,
404 for a region outside the scope); a bad date or code → 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from touyan.core.errors import InvalidInput

from . import figures
from .alerts import alerts_for

router = Router(tags=["dashboards"])
alerts_router = Router(tags=["alerts"])


class DayQuery(Schema):
    on: dt.date | None = None


class AlertQuery(Schema):
    region: str | None = None
    on: dt.date | None = None
    kind: str | None = None


@router.get("/{code}", response=dict, summary="统计分析:区域各项指标")
def get_dashboard(request: HttpRequest, code: str, q: Query[DayQuery]) -> dict[str, Any]:
    return figures.dashboard(actor=request.user, code=code, on=q.on)


@alerts_router.get("", response=dict, summary="预警中心:当前违反的各项规则")
def list_alerts(request: HttpRequest, q: Query[AlertQuery]) -> dict[str, Any]:
    code = q.region or getattr(request.user, "region_id", None)
    if not code:
        raise InvalidInput(errors={"region": _("请指定区划代码")})
    kinds = [k for k in (q.kind or "").split(",") if k]
    region, items = alerts_for(actor=request.user, code=code, on=q.on, kinds=kinds)
    return {"region": region.code, "items": [a.as_json() for a in items], "total": len(items)}
