"""Data for the load test (bench/load.py) beyond `load_demo`: the demo township's pay run of its
latest locked month, opened and calculated by the county administrator and publicised by the
township as the pages would (WF-8), so that the run page lists payslips and the cadre sees theirs.
Idempotent; prints the run's id.

With `--sessions FILE`, also signs in `--per-login` sessions for each demo login the locustfile uses
(as Django's test client does, without the password hash) and one bearer token for the village cadre
(through the token endpoint's service, password checked), and writes them with the run's id to FILE
as JSON: the simulated users start signed in, as people in the middle of a working day are, and only
a share of them (`TOUYAN_LOAD_LOGIN_SHARE`, the locustfile) signs in through the login page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_load .venv/bin/python bench/load_setup.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="Open and calculate the demo township's pay run.")
    parser.add_argument("--township", default="522301001000")
    parser.add_argument("--sessions", default="", help="write signed-in sessions and a token to this JSON file")
    parser.add_argument("--per-login", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from touyan.accounts.models import User
    from touyan.attendance.models import MonthLock
    from touyan.payroll.models import PayRun
    from touyan.payroll.services.runs import payrun_advance, payrun_calculate, payrun_open

    lock = MonthLock.objects.filter(region_id=args.township).order_by("-month").first()
    if lock is None:
        raise SystemExit(f"no locked month for {args.township}: run load_demo first")
    run = PayRun.objects.filter(region_id=args.township, month=lock.month).first()
    if run is None:
        admin = User.objects.get(username=f"admin_{args.township[:6]}")
        run = payrun_open(actor=admin, region_code=args.township, month=lock.month)
        run = payrun_calculate(actor=admin, run_id=run.pk)
        # Publicised in the villages (WF-8), so that the cadres see their payslips.
        officer = User.objects.get(username=f"town_{args.township[:9]}")
        run = payrun_advance(actor=officer, run_id=run.pk, to=PayRun.State.NOTICE)
    if args.sessions:
        write_sessions(args.sessions, args.township, args.per_login, run.pk)
    print(run.pk)


def write_sessions(path: str, township: str, per_login: int, run_id: int) -> None:
    import json

    from django.conf import settings
    from django.test import Client, RequestFactory

    from touyan.accounts.models import User
    from touyan.accounts.services import token_issue
    from touyan.demo.loader import DEMO_PASSWORD

    logins = [f"town_{township[:9]}", f"admin_{township[:6]}", f"finance_{township[:6]}"]
    logins += [f"audit_{township[:4]}", f"admin_{township[:4]}", "cadre_demo"]
    sessions: dict[str, list[str]] = {}
    for username in logins:
        user = User.objects.get(username=username)
        keys = []
        for _ in range(per_login):
            client = Client()
            client.force_login(user)
            keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        sessions[username] = keys
    request = RequestFactory().post("/api/v1/auth/token", REMOTE_ADDR="127.0.0.1")
    token, _record = token_issue(request=request, username="cadre_demo", password=DEMO_PASSWORD)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"run": run_id, "token": token, "sessions": sessions}, fh)


if __name__ == "__main__":
    main()
