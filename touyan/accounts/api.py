"""/api/v1/auth/token and /api/v1/users (SPEC A7)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from touyan.core.pagination import paginate

from .models import User
from .selectors import users_in_scope
from .services import token_issue, user_create

token_router = Router(tags=["auth"])
router = Router(tags=["users"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: str


class UserIn(Schema):
    username: str
    password: str
    role: str
    region: str
    display_name: str = ""
    cadre: int | None = None


class UserOut(Schema):
    id: int
    username: str
    role: str
    region: str | None
    display_name: str
    cadre: int | None = None

    @staticmethod
    def from_user(u: User) -> UserOut:
        return UserOut(
            id=u.pk, username=u.username, role=u.role, region=u.region_id, display_name=u.display_name, cadre=u.cadre_id
        )


class UserPage(Schema):
    items: list[UserOut]
    total: int


@token_router.post("/token", auth=None, response=TokenOut, summary="用用户名和密码换取令牌")
def issue_token(request: HttpRequest, body: TokenIn) -> TokenOut:
    raw, token = token_issue(request=request, username=body.username, password=body.password)
    return TokenOut(token=raw, expires_at=token.expires_at.isoformat())


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
    )
    return Status(201, UserOut.from_user(user))


@router.get("", response=UserPage, summary="本辖区用户")
def list_users(request: HttpRequest, page: int = 1, page_size: int = 50) -> UserPage:
    from .rules import USERS_MANAGE
    from .scope import require

    require(request.user, USERS_MANAGE)
    items, total = paginate(users_in_scope(actor=request.user), page, page_size)
    return UserPage(items=[UserOut.from_user(u) for u in items], total=total)
