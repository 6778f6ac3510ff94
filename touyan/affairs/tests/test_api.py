"""The SPEC A8 affairs and public rows, driven exactly as written (acceptance scenarios of issue 19)."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from touyan.affairs.models import Decision, DisclosureItem, Objection
from touyan.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body, default=str), content_type="application/json")


def _new_decision(client: Client, code: str, amount: str | None = "60000.00") -> int:
    r = _post(
        client,
        "/api/v1/affairs/decisions",
        {"village": code, "title": "村道硬化", "category": "project", "amount": amount},
    )
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "draft"
    return int(r.json()["id"])


def _step(client: Client, did: int, step: int, **kw: Any) -> Any:
    body = {"step": step, "date": str(TODAY), "due": 7, "present": 7, "yes": 7, "no": 0, **kw}
    return _post(client, f"/api/v1/affairs/decisions/{did}/steps", body)


def _loc(r: Any) -> set[str]:
    return {d["loc"][-1] for d in r.json()["detail"]}


def test_step_3_quorum_and_majority_of_all_due(api_client, village) -> None:
    """R-DEC-01 step 3: 30 due, 19 present → 422 naming present; 20 present, 15 yes → 422 naming yes; 16 yes passes."""
    c = api_client(village["secretary"])
    did = _new_decision(c, village["code"])
    assert _step(c, did, 1).json()["state"] == "proposed"
    assert _step(c, did, 2).json()["state"] == "consulted"
    r = _step(c, did, 3, due=30, present=19, yes=19, no=0)
    assert r.status_code == 422 and "present" in _loc(r)
    r = _step(c, did, 3, due=30, present=20, yes=15, no=5)
    assert r.status_code == 422 and "yes" in _loc(r)
    r = _step(c, did, 3, due=30, present=20, yes=16, no=4)
    assert r.status_code == 200 and r.json()["state"] == "deliberated"


def test_step_out_of_order_is_409(api_client, village) -> None:
    """WF-3: steps in order; skipping or repeating one → 409."""
    c = api_client(village["secretary"])
    did = _new_decision(c, village["code"])
    assert _step(c, did, 3, due=30, present=30, yes=30).status_code == 409
    assert _step(c, did, 2).status_code == 409
    assert _step(c, did, 1).status_code == 200
    assert _step(c, did, 1).status_code == 409
    assert _step(c, did, 4, kind="assembly").status_code == 409


def test_step_4_assembly_and_representatives(api_client, village) -> None:
    """R-ORG-08: assembly — more than half of villagers or 2/3 of households; representatives — 2/3;
    more than half of those present agree."""
    c = api_client(village["secretary"])
    did = _new_decision(c, village["code"])
    for n in (1, 2):
        _step(c, did, n)
    _step(c, did, 3, due=30, present=20, yes=16)
    r = _step(c, did, 4, kind="assembly", due=800, present=400, yes=300)
    assert r.status_code == 422 and "present" in _loc(r)
    r = _step(c, did, 4, kind="assembly", due=800, present=400, yes=200, households_due=300, households_present=200)
    assert r.status_code == 422 and "yes" in _loc(r)
    r = _step(c, did, 4, kind="representatives", due=45, present=29, yes=29)
    assert r.status_code == 422 and "present" in _loc(r)
    r = _step(c, did, 4, kind="assembly", due=800, present=400, yes=201, households_due=300, households_present=200)
    assert r.status_code == 200 and r.json()["state"] == "resolved"


def _closed_decision(c: Client, code: str) -> int:
    did = _new_decision(c, code)
    _step(c, did, 1)
    _step(c, did, 2)
    _step(c, did, 3, due=30, present=20, yes=16)
    _step(c, did, 4, kind="representatives", due=45, present=30, yes=25)
    assert _step(c, did, 5).json()["state"] == "resolution_published"
    r = _step(c, did, 6)
    assert r.status_code == 200 and r.json()["state"] == "closed"
    return did


def test_six_steps_close_and_publish_resolution_and_result(api_client, village) -> None:
    """WF-3 to `closed`; steps 5 and 6 publish the resolution and the result (R-DEC-01)."""
    c = api_client(village["secretary"])
    did = _closed_decision(c, village["code"])
    items = DisclosureItem.objects.filter(decision_id=did, state="published")
    assert sorted(items.values_list("item_code", flat=True)) == ["V04", "V05"]
    public = Client().get(f"/api/v1/public/villages/{village['code']}/disclosures").json()
    assert public["total"] == 2


def test_spending_of_60000_needs_a_closed_decision(api_client, village) -> None:
    """R-FIN-02 / R-DEC-03: 60,000 is filed (201) but no signature is taken without a closed decision (409)."""
    clerk = api_client(village["clerk"])
    r = _post(
        clerk,
        "/api/v1/affairs/expenditures",
        {"village": village["code"], "amount": "60000.00", "purpose": "村道硬化工程款", "payee": "某建筑公司"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["band"] == 3 and body["signers"] == ["supervision", "head", "township", "accountant"]
    sid = body["id"]
    for user in ("director", "secretary", "township"):
        r = _post(api_client(village[user]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
        assert r.status_code == 409, (user, r.content)
    # An open (not closed) decision is not enough.
    sec = api_client(village["secretary"])
    open_one = _new_decision(sec, village["code"])
    assert _post(sec, f"/api/v1/affairs/expenditures/{sid}/link", {"decision": open_one}).status_code == 200
    r = _post(api_client(village["director"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
    assert r.status_code == 409
    closed = _closed_decision(sec, village["code"])
    assert _post(sec, f"/api/v1/affairs/expenditures/{sid}/link", {"decision": closed}).status_code == 200
    r = _post(api_client(village["director"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
    assert r.status_code == 200 and r.json()["next_signer"] == "head"


def test_signers_in_order_refusal_and_audit(api_client, village) -> None:
    """R-FIN-01/02: 3,000 → supervision, head, accountant; out of turn 403; a refusal needs a reason;
    every signature audited."""
    clerk = api_client(village["clerk"])
    r = _post(
        clerk,
        "/api/v1/affairs/expenditures",
        {"village": village["code"], "amount": "3000", "purpose": "办公用品", "payee": "文具店"},
    )
    sid = r.json()["id"]
    assert r.json()["band"] == 1 and r.json()["signers"] == ["supervision", "head", "accountant"]
    r = _post(api_client(village["township"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
    assert r.status_code == 403
    r = _post(clerk, f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
    assert r.status_code == 403
    assert (
        _post(
            api_client(village["director"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"}
        ).json()["next_signer"]
        == "head"
    )
    r = _post(api_client(village["secretary"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "refuse"})
    assert r.status_code == 422 and "reason" in _loc(r)
    r = _post(
        api_client(village["secretary"]),
        f"/api/v1/affairs/expenditures/{sid}/sign",
        {"decision": "refuse", "reason": "票据不全"},
    )
    assert r.status_code == 200 and r.json()["state"] == "refused"
    actions = list(AuditEvent.objects.filter(object_type="affairs.expenditure").values_list("action", flat=True))
    assert actions.count("affairs.spend.sign") == 1 and "affairs.spend.refuse" in actions


def test_band_2_goes_through_committees_and_liaison(api_client, village) -> None:
    """R-FIN-02: 5,000–20,000 → a meeting of both committees plus the liaison official, then booked."""
    clerk = api_client(village["clerk"])
    sid = _post(
        clerk,
        "/api/v1/affairs/expenditures",
        {"village": village["code"], "amount": "12000", "purpose": "水渠维修", "payee": "施工队"},
    ).json()["id"]
    for user, nxt in (("director", "committees"), ("secretary", "liaison"), ("liaison", "accountant")):
        r = _post(api_client(village[user]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
        assert r.status_code == 200 and r.json()["next_signer"] == nxt, (user, r.content)
    r = _post(api_client(village["township"]), f"/api/v1/affairs/expenditures/{sid}/sign", {"decision": "approve"})
    assert r.json()["state"] == "booked"


def test_disclosure_review_then_publish(api_client, village) -> None:
    """R-OPEN-03: publishing before the supervision committee's review → 409; the public sees only published items."""
    clerk = api_client(village["clerk"])
    r = _post(
        clerk,
        "/api/v1/affairs/disclosures",
        {
            "village": village["code"],
            "item": "F01",
            "period": "2026-Q1",
            "title": "一季度财务收支",
            "body": "收入 12,000 元",
        },
    )
    assert r.status_code == 201 and r.json()["state"] == "draft"
    iid = r.json()["id"]
    bad = _post(
        clerk,
        "/api/v1/affairs/disclosures",
        {"village": village["code"], "item": "X99", "period": "Q1", "title": "", "body": ""},
    )
    assert bad.status_code == 422 and {"item", "period", "title"} <= _loc(bad)
    sec = api_client(village["secretary"])
    assert _post(sec, f"/api/v1/affairs/disclosures/{iid}/publish", {}).status_code == 409
    assert Client().get(f"/api/v1/public/villages/{village['code']}/disclosures").json()["total"] == 0
    assert _post(sec, f"/api/v1/affairs/disclosures/{iid}/review", {}).status_code == 403  # not the committee
    r = _post(api_client(village["member"]), f"/api/v1/affairs/disclosures/{iid}/review", {})
    assert r.status_code == 200 and r.json()["state"] == "reviewed"
    r = _post(sec, f"/api/v1/affairs/disclosures/{iid}/publish", {})
    assert r.status_code == 200 and r.json()["state"] == "published"
    public = Client().get(f"/api/v1/public/villages/{village['code']}/disclosures").json()
    assert public["total"] == 1 and public["items"][0]["title"] == "一季度财务收支"


def test_catalogue_default_has_52_items(api_client, village) -> None:
    """R-OPEN-04: the reference catalogue (Luzhou's 52 items) covers party, village and finance."""
    r = api_client(village["clerk"]).get(f"/api/v1/affairs/catalogue?village={village['code']}")
    items = r.json()["items"]
    assert r.json()["total"] == 52 and {i["category"] for i in items} == {"party", "village", "finance"}
    assert {"code", "category", "title", "schedule", "content", "deadline", "basis"} <= set(items[0])


ID_RE = re.compile(r"\d{17}[\dXx]|\d{15}")
PHONE_RE = re.compile(r"1[3-9]\d{9}")


def test_public_shows_no_id_or_phone(api_client, village) -> None:
    """R-DATA-05: a body with an ID number and a phone number is stored and shown without them."""
    clerk = api_client(village["clerk"])
    body = "低保对象:刘某 522301198501010011 电话 13912345678,每月 600 元"
    iid = _post(
        clerk,
        "/api/v1/affairs/disclosures",
        {"village": village["code"], "item": "V11", "period": "2026-Q1", "title": "低保名单", "body": body},
    ).json()["id"]
    _post(api_client(village["director"]), f"/api/v1/affairs/disclosures/{iid}/review", {})
    _post(api_client(village["secretary"]), f"/api/v1/affairs/disclosures/{iid}/publish", {})
    anon = Client()
    text = json.dumps(anon.get(f"/api/v1/public/villages/{village['code']}/disclosures").json(), ensure_ascii=False)
    assert "刘某" in text and "600" in text
    assert not ID_RE.search(text) and not PHONE_RE.search(text)
    assert "522301198501010011" not in DisclosureItem.objects.get(pk=iid).body


def test_objection_needs_no_login_and_is_due_in_10_days(village) -> None:
    """R-OPEN-03: 201 {id, reply_due}, reply due 10 days out, no account, contact optional."""
    anon = Client()
    r = _post(anon, f"/api/v1/public/villages/{village['code']}/objections", {"text": "三月份的支出看不明白"})
    assert r.status_code == 201, r.content
    assert r.json()["reply_due"] == (TODAY + dt.timedelta(days=10)).isoformat()
    o = Objection.objects.get(pk=r.json()["id"])
    assert o.contact_enc == "" and o.state == "open"
    r = _post(anon, f"/api/v1/public/villages/{village['code']}/objections", {"text": ""})
    assert r.status_code == 422 and "text" in _loc(r)
    assert _post(anon, "/api/v1/public/villages/999999999999/objections", {"text": "x"}).status_code == 404


def test_objections_are_rate_limited_per_client(village, settings) -> None:
    """R-OPEN-03: without login, a client gets 429 past the limit; another client is not held up."""
    settings.TOUYAN_OBJECTION_RATE = "3/60"
    path = f"/api/v1/public/villages/{village['code']}/objections"
    a, b = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    codes = [_post(a, path, {"text": f"第{i}条"}).status_code for i in range(4)]
    assert codes == [201, 201, 201, 429]
    assert _post(b, path, {"text": "另一个人"}).status_code == 201


def test_answer_shows_on_the_public_page(api_client, village) -> None:
    r = _post(Client(), f"/api/v1/public/villages/{village['code']}/objections", {"text": "水渠何时修"})
    oid = r.json()["id"]
    assert (
        _post(api_client(village["outsider"]), f"/api/v1/affairs/objections/{oid}/answer", {"reply": "x"}).status_code
        == 404
    )
    r = _post(api_client(village["township"]), f"/api/v1/affairs/objections/{oid}/answer", {"reply": "五月开工"})
    assert r.status_code == 200 and r.json()["state"] == "answered"
    page = Client().get(f"/public/villages/{village['code']}/").content.decode()
    assert "五月开工" in page


def test_outsiders_get_404_and_other_roles_403(api_client, village, personas) -> None:
    """Scope: another township's officer sees nothing of the village; an auditor nothing at all."""
    sec = api_client(village["secretary"])
    did = _new_decision(sec, village["code"])
    outsider = api_client(village["outsider"])
    assert outsider.get(f"/api/v1/affairs/decisions/{did}").status_code == 404
    assert _step(outsider, did, 1).status_code == 404
    r = _post(outsider, "/api/v1/affairs/decisions", {"village": village["code"], "title": "x", "category": "other"})
    assert r.status_code == 404
    assert api_client(personas["auditor"]).get(f"/api/v1/affairs/decisions/{did}").status_code == 404
    assert api_client(village["county"]).get(f"/api/v1/affairs/decisions/{did}").status_code == 200
    # A committee member is no secretary.
    assert _step(api_client(village["clerk"]), did, 1).status_code == 403
    assert Decision.objects.get(pk=did).state == "draft"


def test_merge_1_2_only_in_a_one_shoulder_village(api_client, village, cadre_user) -> None:
    """R-DEC-02: a one-shoulder secretary may merge steps 1–2; elsewhere → 422 naming merge_1_2."""
    sec = api_client(village["secretary"])
    did = _new_decision(sec, village["code"])
    r = _step(sec, did, 1, merge_1_2=True)
    assert r.status_code == 200 and r.json()["state"] == "consulted"
    assert _step(sec, did, 3, due=30, present=20, yes=16).json()["state"] == "deliberated"
    other = cadre_user("522301001002", ("PS",), username="sec_lp")
    c2 = api_client(other)
    did2 = _new_decision(c2, "522301001002")
    r = _step(c2, did2, 1, merge_1_2=True)
    assert r.status_code == 422 and "merge_1_2" in _loc(r)


def test_rejection_and_revision(api_client, village) -> None:
    """WF-3: a step rejected → revise → proposed, in a new round."""
    sec = api_client(village["secretary"])
    did = _new_decision(sec, village["code"])
    _step(sec, did, 1)
    _step(sec, did, 2)
    r = _post(sec, f"/api/v1/affairs/decisions/{did}/reject", {"reason": "党员大会多数反对"})
    assert r.json()["state"] == "rejected"
    r = _post(
        sec,
        f"/api/v1/affairs/decisions/{did}/revise",
        {"date": str(TODAY), "due": 7, "present": 7, "yes": 7, "no": 0, "reason": "缩小规模", "amount": "40000"},
    )
    assert r.status_code == 200 and r.json()["state"] == "proposed"
    d = Decision.objects.get(pk=did)
    assert d.round == 2 and d.amount == Decimal("40000")
    assert _step(sec, did, 2).json()["state"] == "consulted"
