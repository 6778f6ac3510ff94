"""/api/v1/auth/token and /api/v1/users (SPEC A7)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from touyan.core.bounds import Id
from touyan.core.pagination import Page, PageSize, paginate
from touyan.core.text import Name

from .models import User
from .passwords import MAX_LENGTH as MAX_PASSWORD
from .selectors import users_in_scope
from .services import token_issue, token_of, token_revoke, token_user, user_create

token_router = Router(tags=["auth"])
router = Router(tags=["users"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    # Longer than 128 is refused before anything hashes it (a 200,000-character one cost seconds).
    password: str = Field(max_length=MAX_PASSWORD)
    otp: str | int | None = Field(default=None, description="已绑定身份验证器的账号必填:6 位动态验证码")


class TokenOut(Schema):
    token: str
    expires_at: str


class UserIn(Schema):
    username: Name = Field(max_length=150)
    password: str = Field(max_length=MAX_PASSWORD)
    role: str = Field(max_length=20)
    region: str = Field(max_length=12)
    display_name: Name | Literal[""] = Field("", max_length=50)
    cadre: Id | None = None
    department: str = Field("", max_length=20)  # R-ELIG-04 code, for role reviewer


class UserOut(Schema):
    id: int
    username: str
    role: str
    region: str | None
    display_name: str
    cadre: int | None = None
    department: str = ""

    @staticmethod
    def from_user(u: User) -> UserOut:
        return UserOut(
            id=u.pk,
            username=u.username,
            role=u.role,
            region=u.region_id,
            display_name=u.display_name,
            cadre=u.cadre_id,
            department=u.department,
        )


class UserPage(Schema):
    items: list[UserOut]
    total: int


@token_router.post("/token", auth=None, response=TokenOut, summary="用用户名和密码换取令牌")
def issue_token(request: HttpRequest, body: TokenIn) -> TokenOut:
    otp = body.otp if isinstance(body.otp, str) else None
    if isinstance(body.otp, int) and not isinstance(body.otp, bool) and 0 <= body.otp < 10**8:
        otp = f"{body.otp:06d}"  # a code sent as a number: its leading zeros back
    otp = otp[:16] if otp else None
    raw, token = token_issue(request=request, username=body.username, password=body.password, otp=otp)
    return TokenOut(token=raw, expires_at=token.expires_at.isoformat())


class Detail(Schema):
    detail: str


@token_router.delete("/token", auth=None, response={204: None, 401: Detail}, summary="吊销本令牌(退出登录、手机丢失)")
def revoke_token(request: HttpRequest) -> Status[None] | Status[Detail]:
    """A8: the token in `Authorization: Bearer …` stops working at once, in every process."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    raw = header[7:].strip() if header.startswith("Bearer ") else ""
    holder = token_user(raw) if len(raw) <= 200 else None
    token = token_of(raw) if holder is not None else None
    if holder is None or token is None:
        return Status(401, Detail(detail="未登录或令牌无效 (not authenticated)"))
    token_revoke(actor=holder, token=token)
    return Status(204, None)


@router.post("", response={201: UserOut}, summary="创建用户(管理员)")
def create_user(request: HttpRequest, body: UserIn) -> Status[UserOut]:
    user = user_create(
        actor=request.user,
        username=body.username,
        password=body.password,
        role=body.role,
        region_code=body.region,
        display_name=body.display_name,
        cadre_id=body.cadre,
        department=body.department,
    )
    return Status(201, UserOut.from_user(user))


@router.get("", response=UserPage, summary="本辖区用户")
def list_users(request: HttpRequest, page: Page = 1, page_size: PageSize = 50) -> UserPage:
    from .rules import USERS_MANAGE
    from .scope import require

    require(request.user, USERS_MANAGE)
    items, total = paginate(users_in_scope(actor=request.user), page, page_size)
    return UserPage(items=[UserOut.from_user(u) for u in items], total=total)
