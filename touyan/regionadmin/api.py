"""/api/v1/regions: the tree and yearly statistics (SPEC A7)."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from touyan.core.errors import InvalidInput
from touyan.regions.models import Region, RegionStat
from touyan.regions.selectors import access_region, region_children, region_stats

from .services import region_stat_put

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None

    @staticmethod
    def from_region(r: Region) -> RegionOut:
        return RegionOut(code=r.code, name=r.name, level=r.level, parent=r.parent_id)


class StatIn(Schema):
    rural_income_per_capita: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    ref_new_staff_monthly: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    collective_income: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class StatOut(Schema):
    region: str
    year: int
    rural_income_per_capita: Decimal | None
    ref_new_staff_monthly: Decimal | None
    collective_income: Decimal | None
    is_demo: bool

    @staticmethod
    def from_stat(s: RegionStat) -> StatOut:
        return StatOut(
            region=s.region_id,
            year=s.year,
            rural_income_per_capita=s.rural_income_per_capita,
            ref_new_staff_monthly=s.ref_new_staff_monthly,
            collective_income=s.collective_income,
            is_demo=s.is_demo,
        )


@router.get("/{code}", response=RegionOut, summary="一个区划")
def get_region(request: HttpRequest, code: str) -> RegionOut:
    return RegionOut.from_region(access_region(actor=request.user, code=code))


@router.get("/{code}/children", response=list[RegionOut], summary="下级区划")
def get_children(request: HttpRequest, code: str) -> list[RegionOut]:
    region = access_region(actor=request.user, code=code)
    return [RegionOut.from_region(r) for r in region_children(actor=request.user, region=region)]


@router.get("/{code}/stats", response=list[StatOut], summary="区域年度统计")
def get_stats(request: HttpRequest, code: str) -> list[StatOut]:
    region = access_region(actor=request.user, code=code)
    return [StatOut.from_stat(s) for s in region_stats(actor=request.user, region=region)]


@router.put("/{code}/stats/{year}", response=StatOut, summary="设置区域年度统计(管理员)")
def put_stats(request: HttpRequest, code: str, year: int, body: StatIn) -> StatOut:
    if not 1990 <= year <= 2100:
        raise InvalidInput(errors={"year": _("年度须在 1990–2100 之间")})
    stat, _created = region_stat_put(
        actor=request.user,
        code=code,
        year=year,
        rural_income_per_capita=body.rural_income_per_capita,
        ref_new_staff_monthly=body.ref_new_staff_monthly,
        collective_income=body.collective_income,
    )
    return StatOut.from_stat(stat)
