"""`python manage.py load_demo`: the demo data, then the logins on screen."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from touyan.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据(黔西南州区划、演示统计、演示账号)并显示登录信息"

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo(say=self.stdout.write)
        line = "=" * 72
        self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("头雁 演示环境已就绪  http://127.0.0.1:8000/"))
        self.stdout.write(f"所有演示账号的密码: {DEMO_PASSWORD}")
        self.stdout.write(
            "管理员、财政、审计员、安全管理员首次登录须用手机身份验证器绑定动态验证码;"
            "只在本机演示时可用 TOUYAN_REQUIRE_2FA_ROLES= 关闭"
        )
        hinted: set[str] = set()
        for username, role, region in logins.rows:
            self.stdout.write(f"  {username:<20} {role}  [{region}]")
            if logins.tries.get(username) and username not in hinted:  # once per login
                hinted.add(username)
                self.stdout.write(f"  {'':<20} ↳ 可以试试: {logins.tries[username]}")
        self.stdout.write(line)
