"""factory_boy factories of assessment records, with traits for the states tests need:

    CadreFactory.create(secretary=True, professionalized=2)      a professionalized secretary (tier 2)
    PeriodFactory.create(publicised=True) / PeriodFactory.create(final=True)
    QuarterlyEvaluationFactory.create(person=p, quarter=2, score=D(88), final=True)   a cadre scored for a quarter
    scored_year(p, 2026, [92, 85, 78, 88])                 four final quarters
    township_year(VILLAGE_A1, ["excellent", "competent"])  a township with a year of annual grades
    PledgeFactory.create(person=p, yearend=True) / TargetPlanFactory.create(person=p, filed=True)

Cadre files go through `cadres.services.cadre_create` (the ID number is encrypted and hashed there);
the records are written directly, as data a test starts from, not through the services under test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from conftest import COUNTY_A, VILLAGE_A1, make_id
from touyan.accounts.models import Role, User
from touyan.assessment import rules
from touyan.assessment.models import AnnualAssessment, Period, Pledge, QuarterlyEvaluation, TargetPlan
from touyan.cadres.models import Person, Post


def _admin() -> User:
    """A national administrator to create cadre files (the personas' one when they exist)."""
    admin = User.objects.filter(is_superuser=True, region__isnull=True).order_by("pk").first()
    if admin is None:
        admin = User.objects.create_user(
            username="factory_admin", password="Factory#2026", role=Role.ADMIN, is_superuser=True, is_staff=True
        )
    return admin


class CadreFactory(factory.Factory[Person]):
    """A cadre file with posts from 2021-04-01 (PS and VD full-time), made by the cadres service."""

    class Meta:
        model = Person

    village = VILLAGE_A1
    posts: Any = ("VM",)
    name = factory.Sequence(lambda n: f"干部{n}")
    political_status = "party_member"
    education = "college"
    birth = "19860202"  # not make_cadre's default: the two never build the same ID number
    seq = factory.Sequence(lambda n: n)

    class Params:
        secretary = factory.Trait(posts=("PS",))
        director = factory.Trait(posts=("VD",))
        masses = factory.Trait(political_status="masses")

    @classmethod
    def _create(cls, model_class: type[Person], **kw: Any) -> Person:
        from touyan.cadres.services import PersonIn, PostIn, cadre_create

        village, posts = kw.pop("village"), kw.pop("posts")
        data = PersonIn(
            name=kw.pop("name"),
            id_number=make_id(village[:6], kw.pop("birth"), kw.pop("seq") % 1000),
            village=village,
            education=kw.pop("education"),
            political_status=kw.pop("political_status"),
            posts=[PostIn(post=p, start_date=dt.date(2021, 4, 1), full_time=p in ("PS", "VD")) for p in posts],
            **kw,
        )
        return cadre_create(actor=_admin(), data=data)

    @factory.post_generation
    def professionalized(obj: Person, create: bool, extracted: int | None, **kw: Any) -> None:
        """`professionalized=<tier>`: the cadre's posts are under professional management (R-ASMT-07)."""
        if extracted:
            Post.objects.filter(person=obj).update(professionalized=True, tier=extracted)


class PeriodFactory(DjangoModelFactory[Period]):
    """A county's assessment period (WF-5), open unless a trait says otherwise."""

    class Meta:
        model = Period

    region_id = COUNTY_A
    kind = Period.Kind.QUARTER
    year = 2026
    number = 1

    class Params:
        publicised = factory.Trait(
            state=Period.State.PUBLICISED,
            appeal_until=factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=5)),
        )
        final = factory.Trait(
            state=Period.State.FINAL,
            appeal_until=factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1)),
        )


class QuarterlyEvaluationFactory(DjangoModelFactory[QuarterlyEvaluation]):
    """A cadre scored for a quarter: a draft, or `final=True`; the grade follows the default bands."""

    class Meta:
        model = QuarterlyEvaluation

    person = factory.SubFactory(CadreFactory, secretary=True)
    village_id = factory.LazyAttribute(lambda o: o.person.village_id)
    year = 2026
    quarter = 1
    score = Decimal("85.00")
    grade = factory.LazyAttribute(lambda o: rules.grade(Decimal(o.score)))

    class Params:
        final = factory.Trait(status=QuarterlyEvaluation.Status.FINAL, finalized_at=factory.LazyFunction(timezone.now))


def scored_year(person: Person, year: int, scores: Sequence[int | Decimal], final: bool = True) -> list[Any]:
    """A cadre scored for each quarter of a year (R-ASMT-01): quarter 1, 2, … in order."""
    return [
        QuarterlyEvaluationFactory.create(person=person, year=year, quarter=q, score=Decimal(s), final=final)
        for q, s in enumerate(scores, start=1)
    ]


class AnnualAssessmentFactory(DjangoModelFactory[AnnualAssessment]):
    """An annual result (R-ASMT-02): computed, or `final=True`; the grade follows the total."""

    class Meta:
        model = AnnualAssessment

    person = factory.SubFactory(CadreFactory, posts=("VDD",))
    village_id = factory.LazyAttribute(lambda o: o.person.village_id)
    year = 2026
    work_score = Decimal(80)
    demo_score = Decimal(80)
    satisfaction = Decimal(1)
    total = Decimal(80)
    grade = factory.LazyAttribute(lambda o: rules.grade(Decimal(o.total)))

    class Params:
        final = factory.Trait(status=AnnualAssessment.Status.FINAL)


def township_year(
    village: str,
    grades: Sequence[str],
    *,
    year: int = 2026,
    totals: Sequence[int | Decimal] | None = None,
    final: bool = False,
) -> list[Any]:
    """A township with a year of scores: one new cadre of `village` per grade, with that annual grade
    (and `totals`, when given, for a ranking)."""
    out = []
    for i, grade in enumerate(grades):
        total = Decimal(totals[i]) if totals is not None else Decimal(80)
        person = CadreFactory.create(village=village, posts=("VDD",))
        out.append(AnnualAssessmentFactory.create(person=person, year=year, grade=grade, total=total, final=final))
    return out


class PledgeFactory(DjangoModelFactory[Pledge]):
    """A cadre's pledge (WF-6), drafting unless a trait puts it further along."""

    class Meta:
        model = Pledge

    person = factory.SubFactory(CadreFactory)
    village_id = factory.LazyAttribute(lambda o: o.person.village_id)
    year = 2026
    items = factory.LazyFunction(lambda: ["修通组组路", "发展茶叶合作社"])

    class Params:
        vetting = factory.Trait(state=Pledge.State.VETTING)
        publicised = factory.Trait(state=Pledge.State.PUBLICISED)
        midyear = factory.Trait(state=Pledge.State.MIDYEAR, midyear_report="路基完成")
        yearend = factory.Trait(state=Pledge.State.YEAREND, midyear_report="路基完成", yearend_report="全部完成")


class TargetPlanFactory(DjangoModelFactory[TargetPlan]):
    """A secretary's target plan (R-ASMT-06), a draft unless a trait says otherwise."""

    class Meta:
        model = TargetPlan

    person = factory.SubFactory(CadreFactory, secretary=True)
    village_id = factory.LazyAttribute(lambda o: o.person.village_id)
    year = 2026
    items = factory.LazyFunction(lambda: ["集体经济收入 10 万元"])

    class Params:
        reviewed = factory.Trait(state=TargetPlan.State.REVIEWED)
        filed = factory.Trait(state=TargetPlan.State.FILED)
