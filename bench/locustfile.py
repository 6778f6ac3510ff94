"""Loopback load test (issue 21, "Performance"): simulated users of every role over the main pages and
API calls, with 3–10 s of think time, against gunicorn on PostgreSQL with the demo data.

Only 127.0.0.1 is ever a target (the host below is refused otherwise). The run is bounded by
`--run-time`. Logins are the demo's (password Touyan@2026); the server runs with
TOUYAN_REQUIRE_2FA_ROLES="" so the administrators' sessions need no TOTP code (bench/RESULTS.md says
how it was run):

    .venv/bin/locust -f bench/locustfile.py --headless -u 200 -r 20 --run-time 5m \\
        --host http://127.0.0.1:8105 --csv bench/out/load --only-summary

Each request is named by its route, so the CSV gives the median and p99 per page.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("TOUYAN_LOAD_PASSWORD", "Touyan@2026")
TOWNSHIP = os.environ.get("TOUYAN_LOAD_TOWNSHIP", "522301001000")
COUNTY = TOWNSHIP[:6] + "000000"
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
        page = self.client.get("/login/", name="/login/")
        token = CSRF.search(page.text)
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/login/"},
            name="/login/ POST",
        )


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
        run = os.environ.get("TOUYAN_LOAD_RUN")
        if run:
            self.client.get(f"/payroll/runs/{run}/", name="/payroll/runs/<id>/ (payslips)")

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


class VillageCadre(HttpUser):
    """A cadre on a phone: the API with a bearer token (sign-in page data, own payslips)."""

    weight = 4
    wait_time = between(3, 10)

    def on_start(self) -> None:
        r = self.client.post("/api/v1/auth/token", json={"username": "cadre_demo", "password": PASSWORD},
                             name="POST /api/v1/auth/token")  # fmt: skip
        self.client.headers["Authorization"] = f"Bearer {r.json().get('token', '')}" if r.ok else ""
        page = self.client.get("/login/", name="/login/")
        token = CSRF.search(page.text)
        self.client.post("/login/", {"username": "cadre_demo", "password": PASSWORD,
                                     "csrfmiddlewaretoken": token.group(1) if token else ""},
                         headers={"Referer": f"{self.host}/login/"}, name="/login/ POST")  # fmt: skip

    @task(4)
    def me(self) -> None:
        self.client.get("/attendance/me/", name="/attendance/me/ (cadre)")

    @task(2)
    def my_pay(self) -> None:
        self.client.get("/payroll/me/", name="/payroll/me/ (cadre payslips)")

    @task(1)
    def my_assessment(self) -> None:
        self.client.get("/assessment/me/", name="/assessment/me/ (cadre)")

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz", name="/healthz")
