"""/api/v1/cadres: cadre files, scoped and masked (SPEC A7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, field_validator

from touyan.core.bounds import PartyDate, PostDate
from touyan.core.errors import NotFound
from touyan.core.pagination import Page, PageSize, paginate
from touyan.core.text import Name, Text
from touyan.regions.selectors import region_filter

from . import rules
from .models import Person, Post
from .selectors import RosterFilters, access_cadre, roster
from .services import PersonIn, PostIn, cadre_create, cadre_reveal_id, cadre_update, post_add, post_end

router = Router(tags=["cadres"])


class PostSchemaIn(Schema):
    post: str = Field(max_length=4)
    start_date: PostDate
    end_date: PostDate | None = None
    full_time: bool = False
    professionalized: bool = False
    tier: int | None = None  # 1–3, checked with the other fields by the service
    term_year: int | None = Field(None, ge=1950, le=2100)
    source: str = Field("election", max_length=12)


class CadreIn(Schema):
    name: Name = Field(max_length=50)
    id_number: str = Field(max_length=30)
    village: str = Field(max_length=12)
    education: str = Field(max_length=12)
    full_time_education: bool = False
    political_status: str = Field(max_length=20)
    phone: str | None = Field(None, max_length=20)
    ethnicity: Name = Field("汉族", max_length=20)
    party_join_date: PartyDate | None = None
    origin: str = Field("other", max_length=20)
    posts: list[PostSchemaIn] = []


NOT_NULL = ("name", "ethnicity", "political_status", "education", "full_time_education", "origin")


class CadrePatch(Schema):
    """Only the fields sent change; null is refused (422) for a field the file cannot leave empty."""

    name: Name | None = Field(None, max_length=50)
    ethnicity: Name | None = Field(None, max_length=20)
    political_status: str | None = Field(None, max_length=20)
    party_join_date: PartyDate | None = None
    education: str | None = Field(None, max_length=12)
    full_time_education: bool | None = None
    origin: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=20)

    @field_validator(*NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("不能为空"))
        return value


class PostOut(Schema):
    id: int
    post: str
    organisation: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str
    full_time: bool
    professionalized: bool
    tier: int | None
    term_year: int | None


class CadreOut(Schema):
    id: int
    name: str
    id_number_masked: str
    gender: str
    age: int  # the birth date only in a reveal (R-DATA-05)
    ethnicity: str
    phone_masked: str
    village: str
    village_name: str
    political_status: str
    party_join_date: dt.date | None
    education: str
    full_time_education: bool
    origin: str
    one_shoulder: str | None
    posts: list[PostOut]


class CadrePage(Schema):
    items: list[CadreOut]
    total: int
    total_is_estimate: bool = False  # a very large unfiltered roster is counted by estimate (约)


class RevealIn(Schema):
    password: str = Field(max_length=128)
    reason: Text = Field(max_length=300)


class RevealOut(Schema):
    id_number: str


class EndIn(Schema):
    end_date: PostDate
    end_reason: str = Field(max_length=20)


class CadreQuery(Schema):
    region: str | None = Field(None, max_length=12)
    post: str | None = Field(None, max_length=8)
    full_time: bool | None = None
    professionalized: bool | None = None
    one_shoulder: bool | None = None
    age_min: int | None = Field(None, ge=0, le=120)
    age_max: int | None = Field(None, ge=0, le=120)
    education: str | None = Field(None, max_length=12)
    origin: str | None = Field(None, max_length=20)
    political_status: str | None = Field(None, max_length=20)
    gender: str | None = Field(None, max_length=6)
    q: Text | None = Field(None, max_length=50)
    in_office: bool | None = True
    sort: str = Field("village", max_length=20)
    page: Page = 1
    page_size: PageSize = 50


def _post_out(p: Post) -> PostOut:
    return PostOut(
        id=p.pk,
        post=p.post,
        organisation=p.organisation,
        start_date=p.start_date,
        end_date=p.end_date,
        end_reason=p.end_reason,
        full_time=p.full_time,
        professionalized=p.professionalized,
        tier=p.tier,
        term_year=p.term_year,
    )


def cadre_out(person: Person, posts: list[Post], today: dt.date | None = None) -> CadreOut:
    day = today or timezone.localdate()
    current = [p.post for p in posts if rules.is_current(rules.Span(p.post, p.start_date, p.end_date), day)]
    return CadreOut(
        id=person.pk, name=person.name, id_number_masked=person.id_masked, gender=person.gender,
        age=rules.age_on(person.birth_date, day), ethnicity=person.ethnicity,
        phone_masked=person.phone_masked, village=person.village_id, village_name=person.village.name,
        political_status=person.political_status, party_join_date=person.party_join_date,
        education=person.education, full_time_education=person.full_time_education, origin=person.origin,
        one_shoulder=rules.one_shoulder(current), posts=[_post_out(p) for p in posts],
    )  # fmt: skip


def _detail(request: HttpRequest, cadre_id: int) -> CadreOut:
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    return cadre_out(person, list(person.posts.order_by("start_date", "id")))


@router.post("", response={201: CadreOut}, summary="新建干部档案")
def create_cadre(request: HttpRequest, body: CadreIn) -> Status[CadreOut]:
    person = cadre_create(
        actor=request.user,
        data=PersonIn(
            name=body.name, id_number=body.id_number, village=body.village, education=body.education,
            political_status=body.political_status, full_time_education=body.full_time_education,
            phone=body.phone or "", ethnicity=body.ethnicity, party_join_date=body.party_join_date,
            origin=body.origin, posts=[PostIn(**p.model_dump()) for p in body.posts],
        ),
    )  # fmt: skip
    return Status(201, _detail(request, person.pk))


@router.get("", response=CadrePage, summary="花名册(脱敏)")
def list_cadres(request: HttpRequest, filters: Query[CadreQuery]) -> CadrePage:
    chosen = region_filter(actor=request.user, code=filters.region)  # outside the scope: 404
    region = chosen.prefix if chosen is not None else None
    data = filters.model_dump(exclude={"page", "page_size", "region"})
    qs = roster(actor=request.user, filters=RosterFilters(region=region, **data)).with_estimated_count()
    items, total = paginate(qs, filters.page, filters.page_size)
    return CadrePage(
        items=[cadre_out(p, p.current_posts) for p in items],  # type: ignore[attr-defined]
        total=total,
        total_is_estimate=qs.count_is_estimate,
    )


@router.get("/{cadre_id}", response=CadreOut, summary="一个干部档案(脱敏)")
def get_cadre(request: HttpRequest, cadre_id: int) -> CadreOut:
    return _detail(request, cadre_id)


@router.patch("/{cadre_id}", response=CadreOut, summary="修改干部档案")
def patch_cadre(request: HttpRequest, cadre_id: int, body: CadrePatch) -> CadreOut:
    changes = body.model_dump(exclude_unset=True)
    phone = changes.pop("phone", None)
    cadre_update(actor=request.user, cadre_id=cadre_id, changes=changes, phone=phone)
    return _detail(request, cadre_id)


@router.post("/{cadre_id}/posts", response={201: CadreOut}, summary="增加任职")
def add_post(request: HttpRequest, cadre_id: int, body: PostSchemaIn) -> Status[CadreOut]:
    post_add(actor=request.user, cadre_id=cadre_id, data=PostIn(**body.model_dump()))
    return Status(201, _detail(request, cadre_id))


@router.post("/{cadre_id}/posts/{post_id}/end", response=CadreOut, summary="办理离任")
def end_post(request: HttpRequest, cadre_id: int, post_id: int, body: EndIn) -> CadreOut:
    access_cadre(actor=request.user, cadre_id=cadre_id, for_write=True)
    if not Post.objects.filter(pk=post_id, person_id=cadre_id).exists():
        raise NotFound(_("未找到该任职"))
    post_end(actor=request.user, post_id=post_id, end_date=body.end_date, end_reason=body.end_reason)
    return _detail(request, cadre_id)


@router.post("/{cadre_id}/reveal-id", response=RevealOut, summary="查看完整身份证号(需密码和事由,留痕)")
def reveal_id(request: HttpRequest, cadre_id: int, body: RevealIn) -> RevealOut:
    return RevealOut(
        id_number=cadre_reveal_id(
            actor=request.user, cadre_id=cadre_id, password=body.password, reason=body.reason, request=request
        )
    )
