"""factory_boy factories for payroll's tests, with traits for what the tests keep building:

    CountyStatsFactory.create()                        # 兴义市's 2025 income 14,000 (A6.2's income_ref)
    CadreFactory.create(secretary=True)                # a full-time 书记, through cadre_create
    CadreFactory.create(former=True, name="孙老书记")   # 12 years as 书记, left office 2017-03-31
    MonthLockFactory.create(month=dt.date(2026, 3, 1)) # the township's attendance locked (WF-8)
    PayRunFactory.create(calculated=True)              # a run in a given state (no payslips)
    FinalGradeFactory.create(person=p)                 # a final quarterly evaluation (A6.5)

(`.create` rather than calling the class: mypy then knows the model.)

Cadres are created through the service (`cadres.services.cadre_create`), as the national
administrator, so their files are encrypted and masked as in production.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

import factory
from factory.django import DjangoModelFactory

from conftest import COUNTY_A, TOWNSHIP_A1, VILLAGE_A1, make_id
from touyan.accounts.models import Role, User
from touyan.assessment.models import QuarterlyEvaluation
from touyan.attendance.models import MonthLock
from touyan.cadres.models import Person
from touyan.payroll.models import Adjustment, DepartureAllowance, PayRun
from touyan.regions.models import RegionStat

T = TypeVar("T")
HEADS = ("PS", "VD")  # full-time by default, as conftest's make_cadre


class CountyStatsFactory(DjangoModelFactory[RegionStat]):
    """A county's statistics of a year: the rural per-capita income A6.2 compares with."""

    class Meta:
        model = RegionStat
        django_get_or_create = ("region_id", "year")

    region_id = COUNTY_A
    year = 2025
    rural_income_per_capita = Decimal(14000)

    class Params:
        with_staff_pay = factory.Trait(ref_new_staff_monthly=Decimal(4437))  # A6.8's reference


def _national() -> User:
    user = User.objects.filter(is_superuser=True, region__isnull=True).first()
    if user is None:
        user = User.objects.create_user(
            username="factory_national", password="Factory#2026", role=Role.ADMIN, is_superuser=True, is_staff=True
        )
    return user


class CadreFactory(factory.Factory[Person]):
    """A cadre file with posts, written by cadre_create. `posts` are post codes held from `start`
    (to `end`, with `end_reason`); 书记 and 主任 are full-time unless `full_time` says otherwise."""

    class Meta:
        model = dict

    village = VILLAGE_A1
    name = factory.Sequence(lambda n: f"干部{n + 1}")
    birth = "19850101"
    seq = factory.Sequence(lambda n: 601 + 2 * n)  # odd: a man (GB 11643), as make_cadre's first
    posts: tuple[str, ...] = ("VM",)
    start = dt.date(2021, 4, 1)
    end: dt.date | None = None
    end_reason = ""
    full_time: tuple[str, ...] | None = None
    education = "college"

    class Params:
        secretary = factory.Trait(posts=("PS",))
        one_shoulder = factory.Trait(posts=("PS", "VD"))
        former = factory.Trait(
            posts=("PS",),
            start=dt.date(2005, 4, 1),
            end=dt.date(2017, 3, 31),
            end_reason="term_end",
            birth="19580101",
            education="senior_high",
        )

    @classmethod
    def _create(cls, model_class: Any, **kw: Any) -> Any:
        from touyan.cadres.services import PersonIn, PostIn, cadre_create

        full_time = kw["full_time"] if kw["full_time"] is not None else HEADS
        posts = [
            PostIn(
                p, kw["start"], kw["end"], full_time=p in full_time and kw["end"] is None, end_reason=kw["end_reason"]
            )
            for p in kw["posts"]
        ]
        data = PersonIn(
            name=kw["name"],
            id_number=make_id(kw["village"][:6], kw["birth"], kw["seq"]),
            village=kw["village"],
            education=kw["education"],
            political_status="party_member",
            posts=posts,
        )
        return cadre_create(actor=_national(), data=data)


class MonthLockFactory(DjangoModelFactory[MonthLock]):
    """A township's attendance of a month, locked (WF-8: a run opens after the lock)."""

    class Meta:
        model = MonthLock
        django_get_or_create = ("region_id", "month")

    region_id = TOWNSHIP_A1
    month = dt.date(2026, 3, 1)


class _OfCadre(DjangoModelFactory[T]):
    """A row about a cadre: given as `person` or `person_id`, else a new one (`cadre` traits as
    CadreFactory's keyword arguments); its village is the cadre's unless given."""

    class Meta:
        abstract = True

    cadre: dict[str, Any] = {}

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kw: Any) -> Any:
        cadre = kw.pop("cadre", {})
        if "person" not in kw and "person_id" not in kw:
            kw["person"] = CadreFactory(**cadre)
        if "village_id" not in kw:
            person = kw.get("person") or Person.objects.get(pk=kw["person_id"])
            kw["village_id"] = person.village_id
        return super()._create(model_class, *args, **kw)


class FinalGradeFactory(_OfCadre[QuarterlyEvaluation]):
    """A final quarterly evaluation (the grade A6.5's performance line reads)."""

    class Meta:
        model = QuarterlyEvaluation

    cadre = {"secretary": True}
    year = 2026
    quarter = 1
    score = Decimal(80)
    grade = "competent"
    status = "final"


class PayRunFactory(DjangoModelFactory[PayRun]):
    """A pay run in a given state (WF-8), without payslips: `PayRunFactory(notice=True)`."""

    class Meta:
        model = PayRun

    region_id = TOWNSHIP_A1
    month = dt.date(2026, 3, 1)
    state = PayRun.State.OPEN

    class Params:
        calculated = factory.Trait(state=PayRun.State.CALCULATED)
        notice = factory.Trait(state=PayRun.State.NOTICE)
        township_approved = factory.Trait(state=PayRun.State.TOWNSHIP)
        finance_approved = factory.Trait(state=PayRun.State.FINANCE)
        disbursed = factory.Trait(state=PayRun.State.DISBURSED)
        closed = factory.Trait(state=PayRun.State.CLOSED)


class AdjustmentFactory(_OfCadre[Adjustment]):
    """A correction or one-off payment waiting for the next run."""

    class Meta:
        model = Adjustment

    kind = Adjustment.Kind.HONOUR
    amount = Decimal(1000)
    reason = "测试"


class DepartureAllowanceFactory(_OfCadre[DepartureAllowance]):
    """An approved departure allowance paid from January 2025 (R-PAY-10)."""

    class Meta:
        model = DepartureAllowance

    cadre = {"former": True}
    strategy = "pct_of_current_base"
    monthly_amount = Decimal(350)
    start_month = dt.date(2025, 1, 1)
    state = DepartureAllowance.State.APPROVED


def closed_reward_decision(village_code: str, ref: str) -> None:
    """The village's closed 四议两公开 decision on distributing collective income (R-PAY-08)."""
    from django.utils import timezone

    from touyan.affairs.models import Decision

    Decision.objects.create(
        village_id=village_code,
        ref=ref,
        title="集体经济收益分配",
        category=Decision.Category.COLLECTIVE_REWARD,
        state=Decision.State.CLOSED,
        closed_at=timezone.now(),
    )
