"""/api/v1/policy/{region}: resolved parameters and new versions (SPEC A7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from touyan.regions.selectors import access_region

from .params import BY_KEY
from .selectors import policy_resolve
from .services import policy_put

router = Router(tags=["policy"])


class ParamOut(Schema):
    key: str
    value: Any
    source: str | None
    law: bool
    rule: str
    label: str


class PolicyOut(Schema):
    region: str
    on: dt.date
    documents: list[int]
    params: dict[str, ParamOut]


class PolicyIn(Schema):
    effective_from: dt.date
    params: dict[str, Any]
    note: str = Field("", max_length=300)


class PolicyDocOut(Schema):
    id: int
    region: str | None
    effective_from: dt.date
    params: dict[str, Any]


@router.get("/{region}", response=PolicyOut, summary="某区域某日生效的参数及其来源")
def get_policy(request: HttpRequest, region: str, on: dt.date | None = None) -> PolicyOut:
    code = access_region(actor=request.user, code=region).code
    resolved = policy_resolve(code, on)
    values = resolved.params.model_dump(mode="json")
    return PolicyOut(
        region=code,
        on=resolved.on,
        documents=list(resolved.documents),
        params={
            key: ParamOut(
                key=key,
                value=values[key],
                source=resolved.sources[key],
                law=BY_KEY[key].law,
                rule=BY_KEY[key].rule,
                label=str(BY_KEY[key].label),
            )
            for key in values
        },
    )


@router.put("/{region}", response={201: PolicyDocOut}, summary="保存新版本参数(管理员)")
def put_policy(request: HttpRequest, region: str, body: PolicyIn) -> Status[PolicyDocOut]:
    doc = policy_put(
        actor=request.user, region_code=region, effective_from=body.effective_from, params=body.params, note=body.note
    )
    return Status(
        201, PolicyDocOut(id=doc.pk, region=doc.region_id, effective_from=doc.effective_from, params=doc.params)
    )
