"""An event's attendance imported from XLSX (all or nothing, a row report) and the yearly
development report (page and XLSX); local talents on the reserve board (S4)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from conftest import TOWNSHIP_A1, VILLAGE_A1, make_id
from touyan.training import services
from touyan.training.models import Attendee, Reserve

from .test_views import _event

pytestmark = pytest.mark.django_db


def _xlsx(
    rows: list[list[Any]], header: tuple[str, ...] = ("身份证号", "干部编号", "姓名", "参训天数", "考核结果")
) -> Any:
    wb = openpyxl.Workbook()
    ws: Any = wb.active
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roll.xlsx"
    return buf


def test_roll_import_all_or_nothing_with_a_row_report(personas, login, make_cadre) -> None:
    officer = personas["township_a1"]
    a = make_cadre(posts=("VM",), name="甲")
    b = make_cadre(posts=("PCM",), name="乙", id_number=make_id("522301", "19800101", 77))
    e = _event(officer)
    c = login(officer)
    url = reverse("training:roll_import", args=[e.pk])
    assert c.get(url).status_code == 200
    assert c.get(reverse("training:roll_template", args=[e.pk])).status_code == 200
    bad = _xlsx([["", a.pk, "甲", 1, "合格"], ["", a.pk, "甲", "", ""], ["123", "", "丙", 9, "优秀"]])
    r = c.post(url, {"file": bad})
    assert r.status_code == 422
    text = r.content.decode()
    assert "与第 2 行是同一名干部" in text and "考核结果" in text and "参训天数" in text
    assert not Attendee.objects.filter(event=e).exists()
    good = _xlsx([["", a.pk, "甲", 1, "合格"], [make_id("522301", "19800101", 77), "", "乙", "", "不合格"]])
    r = c.post(url, {"file": good})
    assert r.status_code == 302
    rows = {x.person_id: x for x in Attendee.objects.filter(event=e)}
    assert rows[a.pk].hours == 8 and rows[a.pk].passed is True
    assert rows[b.pk].days == 2 and rows[b.pk].passed is False


def test_roll_import_refuses_outsiders_and_a_wrong_file(personas, login, make_cadre) -> None:
    e = _event(personas["township_a1"])
    outsider = login(personas["township_b1"])
    assert outsider.get(reverse("training:roll_import", args=[e.pk])).status_code in (403, 404)
    c = login(personas["township_a1"])
    junk = io.BytesIO(b"not a workbook")
    junk.name = "roll.xlsx"
    r = c.post(reverse("training:roll_import", args=[e.pk]), {"file": junk})
    assert r.status_code == 200 and "无法读取该文件" in r.content.decode()


def test_yearly_report_and_local_talents(personas, login, make_cadre) -> None:
    officer = personas["township_a1"]
    member = make_cadre(posts=("VM",))
    talent = make_cadre(posts=("RSV",), name="乡土人才甲")
    services.attendee_add(actor=officer, event_id=_event(officer).pk, cadre_id=member.pk)
    c = login(officer)
    board = c.get(reverse("training:reserves") + f"?region={TOWNSHIP_A1}")
    assert "乡土人才 0/1" in board.content.decode()
    services.reserve_create(
        actor=officer,
        cadre_id=talent.pk,
        village_code=VILLAGE_A1,
        target_post="VM",
        source=Reserve.Source.LOCAL_TALENT,
        since=dt.date(2025, 1, 1),
    )
    r = c.get(f"/api/v1/reserves/sufficiency?region={TOWNSHIP_A1}")
    village = next(i for i in r.json()["items"] if i["village"] == VILLAGE_A1)
    assert village["local_talents"] == 1 and village["local_talents_short"] is False
    page = c.get(reverse("training:report") + f"?region={TOWNSHIP_A1}&year=2026")
    assert page.status_code == 200 and "年度培养报告" in page.content.decode()
    x = c.get(reverse("training:report_xlsx") + f"?region={TOWNSHIP_A1}&year=2026")
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).worksheets[0]
    rows: list[list[Any]] = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["区域", "干部", "参训"]
    total = rows[-1]
    assert total[0] == "合计" and total[1] >= 1 and total[2] >= 1 and total[10] == 1
    assert login(personas["township_b1"]).get(reverse("training:report") + f"?region={TOWNSHIP_A1}").status_code == 404
