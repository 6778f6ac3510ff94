"""Pages of cadre development: every route has an access row; the pages render for the roles
that use them; outsiders get 404; roll call on the event page; the XLSX ledgers are text-only."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from conftest import TOWNSHIP_A1, VILLAGE_A1
from touyan.accounts.access import table
from touyan.training import services
from touyan.training.models import Attendee

pytestmark = pytest.mark.django_db


def test_every_route_has_a_row() -> None:
    """Every page and API route of the app is in the access table (accounts.access)."""
    from touyan.api.api import api
    from touyan.training import urls

    rows = table()
    names = [f"training:{p.name}" for p in urls.urlpatterns]
    assert [n for n in names if n not in rows] == []
    schema = api.get_openapi_schema()
    ops = [
        f"{m.upper()} {path}"
        for path, item in schema["paths"].items()
        if path.startswith(("/api/v1/training", "/api/v1/certificates", "/api/v1/reserves", "/api/v1/secondments"))
        for m in item
    ]
    assert ops and [o for o in ops if o not in rows] == []


def _event(officer):  # type: ignore[no-untyped-def]
    return services.event_create(
        actor=officer, title="=HYPERLINK(\"x\")", level="county", kind="central", start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 3), days=2,
    )  # fmt: skip


def test_pages_render_and_roll_call(personas, login, make_cadre, cadre_user) -> None:
    officer = personas["township_a1"]
    member = make_cadre(posts=("VM",), name="点名干部")
    user = cadre_user(posts=("PCM",), name="本人")
    e = _event(officer)
    c = login(officer)
    page = c.get(reverse("training:event", args=[e.pk]))
    assert page.status_code == 200 and "点名干部" in page.content.decode()
    r = c.post(reverse("training:roll_call", args=[e.pk]), {"cadre": [member.pk, user.cadre_id]})
    assert r.status_code == 302
    assert Attendee.objects.filter(event=e).count() == 2
    for name in ("calendar", "compliance", "reserves", "certificates", "secondments", "event_new", "reserve_new",
                 "certificate_new", "secondment_new"):  # fmt: skip
        assert c.get(reverse(f"training:{name}") + "?year=2026").status_code == 200, name
    assert c.get(reverse("training:cadre", args=[member.pk]) + "?year=2026").status_code == 200
    me = login(user)
    mine = me.get(reverse("training:me") + "?year=2026")
    assert mine.status_code == 200 and "16.00" in mine.content.decode()
    assert me.get(reverse("training:event", args=[e.pk])).status_code == 200
    assert me.post(reverse("training:feedback", args=[e.pk]), {"text": "收获很大", "report": "on"}).status_code == 302
    assert Attendee.objects.get(event=e, person_id=user.cadre_id).report_submitted
    assert me.get(reverse("training:cadre", args=[member.pk])).status_code == 404
    assert me.get(reverse("training:compliance")).status_code == 403
    outsider = login(personas["township_b1"])
    assert outsider.get(reverse("training:compliance") + f"?region={TOWNSHIP_A1}").status_code == 404
    assert outsider.get(reverse("training:cadre", args=[member.pk])).status_code == 404


def test_exports_are_text_only(personas, login, make_cadre) -> None:
    officer = personas["township_a1"]
    member = make_cadre(posts=("RSV",), name="=1+1")
    e = _event(officer)
    services.attendee_add(actor=officer, event_id=e.pk, cadre_id=member.pk)
    services.reserve_create(actor=officer, cadre_id=member.pk, village_code=VILLAGE_A1, target_post="PS",
                            source="veteran", since=dt.date(2025, 1, 1))  # fmt: skip
    c = login(officer)
    for name in ("export_ledger", "export_reserves"):
        r = c.get(reverse(f"training:{name}") + "?year=2026")
        assert r.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        cells = [cell for row in wb.worksheets[0].iter_rows() for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        assert "=1+1" in [cell.value for cell in cells]


def test_demo_shows_short_and_compliant_cadres(personas, make_cadre) -> None:
    from touyan.cadres.models import Post
    from touyan.training.demo import load_demo_training
    from touyan.training.models import Reserve, Secondment
    from touyan.training.selectors import compliance

    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec).update(professionalized=True)
    member = make_cadre(posts=("VM",))
    make_cadre(posts=("PCM",))
    township = personas["township_a1"].region
    today = dt.date(2026, 12, 6)
    assert load_demo_training(actor=personas["national"], township=township, say=lambda _m: None, today=today) > 0
    rows = {r.cadre: r for r in compliance(region=township, year=2026, today=today)}
    assert rows[sec.pk].shortfalls == ()
    assert [s.rule for s in rows[member.pk].shortfalls] == ["R-TRN-01"]
    assert Reserve.objects.count() == 2 and Secondment.objects.get().present_days > 0
    assert load_demo_training(actor=personas["national"], township=township, say=lambda _m: None, today=today) == 0


def test_workbench_todos(personas, make_cadre) -> None:
    from touyan.cadres.models import Post
    from touyan.core.todos import TodoContext
    from touyan.training.todos import training_todos

    sec = make_cadre(posts=("PS",))
    Post.objects.filter(person=sec).update(professionalized=True)
    officer = personas["township_a1"]
    todos = training_todos(officer, TodoContext(region=officer.region, today=dt.date(2026, 12, 6)))
    counts = {t.label: t.count for t in todos}
    assert counts["后备干部配备不足的村"] >= 1 and counts["本年度培训未达标的干部"] == 1
    assert training_todos(personas["auditor"], TodoContext(region=officer.region, today=dt.date(2026, 12, 6))) == []
