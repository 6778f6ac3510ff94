"""Loopback load test (issue 21, "Performance"): simulated users of every role over the main pages and
API calls, with 3–10 s of think time, against gunicorn on PostgreSQL with the demo data.

Only 127.0.0.1 is ever a target (the host below is refused otherwise). The run is bounded by
`--run-time`. Logins are the demo's (password Touyan@2026); the server runs with
TOUYAN_REQUIRE_2FA_ROLES="" so the administrators' sessions need no TOTP code (bench/RESULTS.md says
how it was run):

    .venv/bin/locust -f bench/locustfile.py --headless -u 200 -r 5 --run-time 5m \\
        --host http://127.0.0.1:8105 --csv bench/out/load --only-summary

bench/load.py runs it for you (database, gunicorn, locust, figures). Each request is named by its
route, so the CSV gives the median and p99 per page. Roles: township officer, county administrator,
county finance, the prefecture's auditor and administrator, and a village cadre (pages and API).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("TOUYAN_LOAD_PASSWORD", "Touyan@2026")
TOWNSHIP = os.environ.get("TOUYAN_LOAD_TOWNSHIP", "522301001000")
COUNTY = TOWNSHIP[:6] + "000000"
PREFECTURE = TOWNSHIP[:4] + "00000000"
VILLAGE = os.environ.get("TOUYAN_LOAD_VILLAGE", TOWNSHIP[:9] + "001")  # cadre_demo's village
RUN = os.environ.get("TOUYAN_LOAD_RUN", "")  # the township's calculated pay run (bench/load_setup.py)
# Signed-in sessions and the cadre's token made by bench/load_setup.py --sessions: most simulated users
# start signed in (the middle of a working day); LOGIN_SHARE of them sign in through the login page.
LOGIN_SHARE = float(os.environ.get("TOUYAN_LOAD_LOGIN_SHARE", "0.05"))
READY: dict[str, Any] = {}
if os.environ.get("TOUYAN_LOAD_SESSIONS"):
    with open(os.environ["TOUYAN_LOAD_SESSIONS"], encoding="utf-8") as _fh:
        READY = json.load(_fh)
    RUN = RUN or str(READY.get("run", ""))


def ready_session(username: str) -> str:
    """A signed-in session of the login, one per simulated user; "" when none is left (or by chance,
    LOGIN_SHARE of the time): that user signs in through the page."""
    keys = READY.get("sessions", {}).get(username, [])
    if not keys or random.random() < LOGIN_SHARE:
        return ""
    return str(keys.pop())


def sign_in(client: Any, host: str, username: str) -> None:
    key = ready_session(username)
    if key:
        client.cookies.set("sessionid", key)
        return
    page = client.get("/login/", name="/login/")
    token = CSRF.search(page.text)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""}
    client.post("/login/", form, headers={"Referer": f"{host}/login/"}, name="/login/ POST")


TODAY = dt.date.today()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def _loopback_only(environment: Any, **_kwargs: Any) -> None:
    host = urlparse(environment.host or "").hostname or ""
    if not (host == "localhost" or host.startswith("127.")):
        raise SystemExit(f"the load test only targets this machine (127.0.0.1), not {host!r}")


class Staff(HttpUser):
    """A signed-in web user: logs in through the login page once, then browses."""

    abstract = True
    wait_time = between(3, 10)
    username = ""

    def on_start(self) -> None:
        sign_in(self.client, self.host, self.username)


class TownshipOfficer(Staff):
    weight = 6
    username = f"town_{TOWNSHIP[:9]}"

    @task(4)
    def roster(self) -> None:
        self.client.get("/cadres/", name="/cadres/ (roster)")

    @task(2)
    def roster_search(self) -> None:
        self.client.get(f"/cadres/?q=张&page={random.randint(1, 3)}", name="/cadres/?q= (roster search)")

    @task(3)
    def monthly(self) -> None:
        self.client.get(f"/attendance/monthly/{TOWNSHIP}/{LAST_MONTH}/", name="/attendance/monthly/ (monthly)")

    @task(2)
    def runs(self) -> None:
        self.client.get("/payroll/runs/", name="/payroll/runs/")

    @task(2)
    def payslips(self) -> None:
        if RUN:
            self.client.get(f"/payroll/runs/{RUN}/", name="/payroll/runs/<id>/ (payslips)")

    @task(1)
    def leave(self) -> None:
        self.client.get("/attendance/leave/", name="/attendance/leave/")

    @task(2)
    def api_roster(self) -> None:
        self.client.get(f"/api/v1/cadres?region={TOWNSHIP}&page_size=20", name="GET /api/v1/cadres")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/ (workbench)")


class CountyAdmin(Staff):
    weight = 2
    username = f"admin_{COUNTY[:6]}"

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/ (workbench)")

    @task(2)
    def structure(self) -> None:
        self.client.get(f"/stats/structure/{COUNTY}/", name="/stats/structure/<code>/")

    @task(2)
    def roster(self) -> None:
        self.client.get("/cadres/", name="/cadres/ (roster)")

    @task(1)
    def policy(self) -> None:
        self.client.get("/policy/", name="/policy/")

    @task(1)
    def api_dashboard(self) -> None:
        self.client.get(f"/api/v1/regions/{COUNTY}/children", name="GET /api/v1/regions/<code>/children")


class Finance(Staff):
    """County finance: approves and pays the runs (WF-8)."""

    weight = 1
    username = f"finance_{COUNTY[:6]}"

    @task(2)
    def runs(self) -> None:
        self.client.get("/payroll/runs/", name="/payroll/runs/")

    @task(3)
    def payslips(self) -> None:
        if RUN:
            self.client.get(f"/payroll/runs/{RUN}/", name="/payroll/runs/<id>/ (payslips)")

    @task(1)
    def api_run(self) -> None:
        if RUN:
            self.client.get(
                f"/api/v1/payroll/runs/{RUN}/payslips?page_size=20", name="GET /api/v1/payroll/runs/<id>/payslips"
            )


class Auditor(Staff):
    """The security auditor of the prefecture: reads audit events, nothing else."""

    weight = 1
    username = f"audit_{PREFECTURE[:4]}"

    @task(3)
    def events(self) -> None:
        self.client.get("/audit/", name="/audit/ (events)")

    @task(1)
    def events_filtered(self) -> None:
        self.client.get("/audit/?action=cadres.reveal", name="/audit/?action= (events)")


class PrefectureAdmin(Staff):
    """The prefecture's administrator: the cockpit and the alerts."""

    weight = 1
    username = f"admin_{PREFECTURE[:4]}"

    @task(2)
    def cockpit(self) -> None:
        self.client.get(f"/stats/cockpit/{PREFECTURE}/", name="/stats/cockpit/<code>/")

    @task(1)
    def roster(self) -> None:
        self.client.get("/cadres/", name="/cadres/ (roster)")

    @task(1)
    def alerts(self) -> None:
        self.client.get("/api/v1/alerts", name="GET /api/v1/alerts")


class VillageCadre(HttpUser):
    """A cadre on a phone: pages in a session, and the API with a bearer token (own month, own payslips)."""

    weight = 4
    wait_time = between(3, 10)
    token = ""

    def on_start(self) -> None:
        self.token = str(READY.get("token", "")) if random.random() >= LOGIN_SHARE else ""
        if not self.token:
            body = {"username": "cadre_demo", "password": PASSWORD}
            r = self.client.post("/api/v1/auth/token", json=body, name="POST /api/v1/auth/token")
            self.token = r.json().get("token", "") if r.ok else ""
        sign_in(self.client, self.host, "cadre_demo")

    def api(self, url: str, name: str) -> None:
        self.client.get(url, headers={"Authorization": f"Bearer {self.token}"}, name=name)

    @task(4)
    def me(self) -> None:
        self.client.get("/attendance/me/", name="/attendance/me/ (cadre)")

    @task(2)
    def my_pay(self) -> None:
        self.client.get("/payroll/me/", name="/payroll/me/ (cadre payslips)")

    @task(1)
    def my_assessment(self) -> None:
        self.client.get("/assessment/me/", name="/assessment/me/ (cadre)")

    @task(2)
    def api_month(self) -> None:
        self.api(f"/api/v1/attendance/monthly?region={VILLAGE}&month={LAST_MONTH}", "GET /api/v1/attendance/monthly")

    @task(1)
    def api_payslips(self) -> None:
        if RUN:
            self.api(f"/api/v1/payroll/runs/{RUN}/payslips", "GET /api/v1/payroll/runs/<id>/payslips")

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz", name="/healthz")
