"""Accounts: login page, security settings, role changes, production checks."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from conftest import PASSWORD, TOWNSHIP_A2, TOWNSHIP_B1
from touyan.accounts.models import Role
from touyan.accounts.services import user_set_role
from touyan.audit.models import AuditEvent
from touyan.core.errors import NotFound

ROOT = Path(__file__).resolve().parents[3]


def test_security_settings() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert all("http" not in src for srcs in policy.values() for src in srcs)


@pytest.mark.django_db
def test_login_page_is_chinese_and_offers_english(client: Client) -> None:
    r = client.get("/login/")
    assert r.status_code == 200
    text = r.content.decode()
    assert "登录" in text and "English" in text
    assert "cdn" not in text.lower() and "https://" not in text
    # An English browser still gets Chinese; the switch (a cookie) gives English.
    assert "登录" in client.get("/login/", headers={"Accept-Language": "en-US,en"}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()


@pytest.mark.django_db
def test_login_then_home(personas) -> None:
    c = Client()
    r = c.post("/login/", {"username": "county_a", "password": PASSWORD}, follow=True)
    assert r.status_code == 200
    assert "兴义市" in r.content.decode()
    assert "兴仁市" not in r.content.decode()


@pytest.mark.django_db
def test_role_change_is_audited_and_scoped(personas) -> None:
    admin = personas["county_a_admin"]
    user = personas["township_a1"]
    user_set_role(actor=admin, user_id=user.pk, role=Role.TOWNSHIP_OFFICER, region_code=TOWNSHIP_A2)
    event = AuditEvent.objects.get(action="accounts.user.role")
    assert event.changes["region"] == ["522301001000", TOWNSHIP_A2]
    with pytest.raises(NotFound):
        user_set_role(actor=admin, user_id=personas["township_b1"].pk, role=Role.AUDITOR, region_code=TOWNSHIP_B1)


def test_createsuperuser_noinput_gives_national_admin(tmp_path: Path) -> None:
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SUPERUSER_USERNAME": "root",
        "DJANGO_SUPERUSER_PASSWORD": "Root#pass2026",
        "DJANGO_SUPERUSER_EMAIL": "root@example.com",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    run = [sys.executable, "manage.py"]
    subprocess.run([*run, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*run, "createsuperuser", "--noinput"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [
            *run,
            "shell",
            "-c",
            "from touyan.accounts.models import User; u=User.objects.get(username='root');"
            "from touyan.accounts.scope import scope_prefix; print(repr(scope_prefix(u)), u.role)",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.strip().splitlines()[-1] == "'' admin"


def test_production_settings_pass_deploy_checks() -> None:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "DJANGO_ALLOWED_HOSTS": "touyan.example.gov.cn",
        "DATABASE_URL": "postgres://touyan@127.0.0.1:5432/touyan",
        "TOUYAN_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TOUYAN_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    r = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_production_refuses_to_start_without_secrets() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TOUYAN_", "DATABASE_URL"))}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    r = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode != 0 and "DJANGO_SECRET_KEY must be set" in r.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TOUYAN_DATA_KEY", "short", "base64 of 32 random bytes"),
        ("TOUYAN_DATA_KEY", base64.b64encode(os.urandom(16)).decode(), "got 16 bytes"),
        ("TOUYAN_INDEX_KEY", "short", "at least 32 characters"),
    ],
)
def test_production_refuses_malformed_keys(name: str, value: str, message: str) -> None:
    """Issue 21: `TOUYAN_DATA_KEY=short` used to pass `check --deploy`; now the process refuses to start."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "DJANGO_ALLOWED_HOSTS": "touyan.example.gov.cn",
        "DATABASE_URL": "postgres://touyan@127.0.0.1:5432/touyan",
        "TOUYAN_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TOUYAN_INDEX_KEY": base64.b64encode(os.urandom(32)).decode(),
        name: value,
    }
    r = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode != 0 and message in r.stderr, r.stderr[-500:]


def test_connection_health_checks_are_on() -> None:
    """Issue 21: after PostgreSQL dropped its connections the first request of each worker was a 500."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
