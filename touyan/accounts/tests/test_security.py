"""Account security (issue 21): TOTP at web login and for API tokens, forced enrolment, token
revocation at once, the tokens page, logout, password change and forced change after a reset,
the password length bound, and the separated roles (等保 三权分立)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, TOWNSHIP_A1, VILLAGE_A1
from touyan.accounts.models import ApiToken, Role, User
from touyan.accounts.services import token_user
from touyan.audit.models import AuditEvent

DEFAULT_2FA = ["admin", "finance", "auditor", "security_admin"]


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    """The code the authenticator app shows now (computed from the device's key)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return f"{totp.token():0{device.digits}d}"


def enrol(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def token_post(body: dict[str, Any]) -> Any:
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


# django-otp slows down a device after a wrong code (1 s, doubling); the tests send codes at once.
no_throttle = override_settings(OTP_TOTP_THROTTLE_FACTOR=0)


@no_throttle
@pytest.mark.django_db
def test_an_enrolled_admin_gets_no_token_without_a_valid_code(personas) -> None:
    """R-DATA-06: once enrolled, POST /api/v1/auth/token needs `otp`; tested with a computed code."""
    admin = personas["county_a_admin"]
    assert token_post({"username": "county_a", "password": PASSWORD}).status_code == 200  # not enrolled yet
    device = enrol(admin)
    assert token_post({"username": "county_a", "password": PASSWORD}).status_code == 403
    wrong = token_post({"username": "county_a", "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 403 and wrong.json()["field"] == "otp"
    assert token_post({"username": "county_a", "password": "nope", "otp": code_of(device)}).status_code == 403
    ok = token_post({"username": "county_a", "password": PASSWORD, "otp": code_of(device)})
    assert ok.status_code == 200 and ok.json()["token"].startswith("ty_")


@no_throttle
@pytest.mark.django_db
def test_an_enrolled_admin_gets_no_session_without_a_valid_code(personas) -> None:
    admin = personas["county_a_admin"]
    device = enrol(admin)
    c = Client()
    r = c.post("/login/", {"username": "county_a", "password": PASSWORD})
    assert r.status_code == 200 and "动态验证码" in r.content.decode()
    assert "_auth_user_id" not in c.session
    assert c.get("/cadres/").status_code == 302
    r = c.post("/login/", {"username": "county_a", "password": PASSWORD, "otp": "123456"})
    assert "_auth_user_id" not in c.session
    r = c.post("/login/", {"username": "county_a", "password": PASSWORD, "otp": code_of(device)})
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(admin.pk)
    assert c.get("/cadres/").status_code == 200
    # A session that did not pass the code (made some other way) is signed out by the gate.
    other = Client()
    other.force_login(admin)
    assert other.get("/cadres/").status_code == 302 and "_auth_user_id" not in other.session


@no_throttle
@pytest.mark.django_db
def test_wrong_codes_count_as_failed_logins(personas) -> None:
    """A right password with a wrong code, five times: locked out like five wrong passwords."""
    device = enrol(personas["county_a_admin"])
    for _ in range(5):
        Client().post("/login/", {"username": "county_a", "password": PASSWORD, "otp": "000000"})
    r = Client().post("/login/", {"username": "county_a", "password": PASSWORD, "otp": code_of(device)})
    assert r.status_code == 429


@no_throttle
@pytest.mark.django_db
@override_settings(TOUYAN_REQUIRE_2FA_ROLES=DEFAULT_2FA)
def test_enrolment_is_forced_at_first_login_with_a_local_qr_code(personas) -> None:
    """`require_2fa_roles` (default admin, finance, auditor): the first login leads to enrolment; the
    QR code is drawn by the server (an inline SVG, no outside address); a first code confirms it."""
    c = Client()
    assert c.post("/login/", {"username": "county_a", "password": PASSWORD}).status_code == 302
    r = c.get("/cadres/")
    assert r.status_code == 302 and r["Location"] == "/accounts/security/2fa/"
    assert c.get("/api/v1/cadres").status_code == 403  # the session API too
    page = c.get("/accounts/security/2fa/").content.decode()
    assert "<svg" in page and "otpauth" not in page.split("<svg", 1)[0][-200:]
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    device = TOTPDevice.objects.get(user=personas["county_a_admin"], confirmed=False)
    assert c.post("/accounts/security/2fa/", {"code": "000000"}).status_code == 200
    assert c.post("/accounts/security/2fa/", {"code": code_of(device)}).status_code == 302
    assert c.get("/cadres/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed and AuditEvent.objects.filter(action="auth.2fa.enrol").count() == 1
    # A township officer is not in the list: no enrolment forced.
    town = Client()
    town.post("/login/", {"username": "town_a1", "password": PASSWORD})
    assert town.get("/cadres/").status_code == 200


@pytest.mark.django_db
def test_delete_token_revokes_it_at_once_cache_included(personas) -> None:
    """A8 DELETE /api/v1/auth/token → 204; the token is refused at once, though this process had it
    in its cache (accounts.services.token_user)."""
    raw = token_post({"username": "town_a1", "password": PASSWORD}).json()["token"]
    c = Client(headers={"Authorization": f"Bearer {raw}"})
    assert c.get(f"/api/v1/regions/{TOWNSHIP_A1}").status_code == 200  # now remembered
    assert token_user(raw) is not None
    assert c.delete("/api/v1/auth/token").status_code == 204
    assert token_user(raw) is None
    assert c.get(f"/api/v1/regions/{TOWNSHIP_A1}").status_code == 401
    assert c.delete("/api/v1/auth/token").status_code == 401
    assert Client().delete("/api/v1/auth/token").status_code == 401
    assert ApiToken.objects.get().revoked and AuditEvent.objects.filter(action="auth.token.revoke").count() == 1


@pytest.mark.django_db
def test_another_process_drops_a_revoked_token_at_once(personas, tmp_path) -> None:
    """The stamp file tells every process sharing MEDIA_ROOT to forget its cached tokens."""
    from touyan.accounts import services

    with override_settings(TOUYAN_TOKEN_STAMP=str(tmp_path / "stamp")):
        raw = token_post({"username": "town_a1", "password": PASSWORD}).json()["token"]
        assert token_user(raw) is not None and services._token_cache
        ApiToken.objects.update(revoked=True)  # as another process's revocation…
        services.token_cache_clear(everywhere=True)  # …which touches the stamp
        services._token_cache[next(iter(services._token_cache), "x")] = ([], services.timezone.now())
        assert token_user(raw) is None


@pytest.mark.django_db
def test_tokens_page_own_and_region(login, personas) -> None:
    """Users see and revoke their tokens; an administrator those of their region; outsiders 404."""
    for name in ("town_a1", "town_b1"):
        token_post({"username": name, "password": PASSWORD})
    mine = login(personas["township_a1"]).get("/accounts/security/tokens/").content.decode()
    a1, b1 = ApiToken.objects.get(user__username="town_a1"), ApiToken.objects.get(user__username="town_b1")
    assert a1.prefix in mine and b1.prefix not in mine
    assert login(personas["township_a1"]).post("/accounts/security/tokens/", {"token": b1.pk}).status_code == 404
    admin = login(personas["county_a_admin"])
    assert a1.prefix in admin.get("/accounts/security/tokens/").content.decode()
    assert admin.post("/accounts/security/tokens/", {"token": b1.pk}).status_code == 404  # county B
    assert admin.post("/accounts/security/tokens/", {"token": a1.pk}).status_code == 302
    a1.refresh_from_db()
    b1.refresh_from_db()
    assert a1.revoked and not b1.revoked


@pytest.mark.django_db
def test_logout_ends_the_session(personas) -> None:
    c = Client()
    c.post("/login/", {"username": "town_a1", "password": PASSWORD})
    assert c.get("/cadres/").status_code == 200
    assert c.post("/logout/").status_code == 302
    assert c.get("/cadres/").status_code == 302 and "_auth_user_id" not in c.session


@pytest.mark.django_db
def test_password_change_and_forced_change_after_a_reset(login, personas) -> None:
    officer = personas["township_a1"]
    token_post({"username": "town_a1", "password": PASSWORD})
    admin = login(personas["county_a_admin"])
    r = admin.post(f"/accounts/users/{officer.pk}/reset-password/", {"new_password": "Temp#Reset2026"})
    assert r.status_code == 302
    assert not ApiToken.objects.filter(user=officer, revoked=False).exists()  # a reset ends the tokens
    c = Client()
    assert c.post("/login/", {"username": "town_a1", "password": "Temp#Reset2026"}).status_code == 302
    r = c.get("/cadres/")
    assert r.status_code == 302 and r["Location"] == "/accounts/security/password/"
    assert "管理员已重置" in c.get("/accounts/security/password/").content.decode()
    bad = c.post("/accounts/security/password/", {"old_password": "x", "new_password": "New#Pass2026",
                                                  "new_password2": "New#Pass2026"})  # fmt: skip
    assert bad.status_code == 200 and "原密码不正确" in bad.content.decode()
    ok = c.post("/accounts/security/password/", {"old_password": "Temp#Reset2026", "new_password": "New#Pass2026",
                                                 "new_password2": "New#Pass2026"})  # fmt: skip
    assert ok.status_code == 302 and c.get("/cadres/").status_code == 200  # still signed in
    officer.refresh_from_db()
    assert not officer.password_change_required and officer.check_password("New#Pass2026")
    # Another county's admin cannot reset this user; neither can anyone reset the national admin.
    other = login(personas["county_b_admin"]).post(f"/accounts/users/{officer.pk}/reset-password/",
                                                   {"new_password": "Temp#Reset2026"})  # fmt: skip
    assert other.status_code == 404
    actions = list(AuditEvent.objects.filter(action__startswith="auth.password").values_list("action", flat=True))
    assert sorted(actions) == ["auth.password.change", "auth.password.reset"]


@pytest.mark.django_db
def test_a_200000_character_password_is_refused_fast(personas) -> None:
    """Password length ≤ 128: refused before anything hashes it (API and login page)."""
    huge = "x" * 200_000
    start = time.perf_counter()
    r = token_post({"username": "town_a1", "password": huge})
    page = Client().post("/login/", {"username": "town_a1", "password": huge})
    assert time.perf_counter() - start < 5.0  # refused before hashing (a loose bound: shared CI machines)
    assert r.status_code in (403, 422) and page.status_code == 200 and "_auth_user_id" not in Client().session
    from touyan.accounts.services import user_create
    from touyan.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        user_create(actor=personas["county_a_admin"], username="long", password="Aa1#" * 40, role="liaison",
                    region_code=TOWNSHIP_A1)  # fmt: skip


@pytest.mark.django_db
def test_security_admin_is_a_separate_role(login, personas) -> None:
    """等保 三权分立: the security administrator unlocks accounts and resets second factors, reads no
    business data; the auditor and the security administrator cannot be superusers."""
    from django.db import IntegrityError, transaction

    from touyan.accounts.services import user_create, user_set_role
    from touyan.core.errors import InvalidInput

    sec = user_create(actor=personas["county_a_admin"], username="sec_a", password=PASSWORD,
                      role=Role.SECURITY_ADMIN, region_code="522301000000")  # fmt: skip
    from touyan.accounts import rules

    c = login(sec)
    # Its capabilities (the route table enforces them page by page): security only, no business data.
    assert rules.ROLE_CAPABILITIES[Role.SECURITY_ADMIN] == {rules.SECURITY_MANAGE}
    assert not any(rules.SECURITY_MANAGE in caps for role, caps in rules.ROLE_CAPABILITIES.items()
                   if role != Role.SECURITY_ADMIN)  # fmt: skip
    assert c.get("/audit/").status_code in (403, 302)
    for _ in range(5):
        Client().post("/login/", {"username": "town_a1", "password": "wrong"})
    desk = c.get("/accounts/security/").content.decode()
    assert "town_a1" in desk and "解除锁定" in desk
    assert c.post(f"/accounts/security/users/{personas['township_a1'].pk}/unlock/").status_code == 302
    assert Client().post("/login/", {"username": "town_a1", "password": PASSWORD}).status_code == 302
    enrol(personas["township_a1"])
    assert c.post(f"/accounts/security/users/{personas['township_a1'].pk}/2fa-reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["township_a1"]).exists()
    assert login(personas["township_a1"]).get("/accounts/security/").status_code == 403
    with pytest.raises(InvalidInput):
        user_set_role(actor=personas["national"], user_id=personas["national"].pk, role=Role.AUDITOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=personas["auditor"].pk).update(is_superuser=True)
    assert VILLAGE_A1  # the tree is there
