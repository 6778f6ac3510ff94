"""Services and selectors of village affairs beyond the API contract: the reward hook for payroll,
the cadre-pay notice, disclosures due, the catalogue as a policy parameter."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import VILLAGE_A1
from touyan.affairs import selectors, services
from touyan.affairs.models import DisclosureItem
from touyan.affairs.services import StepIn
from touyan.core.errors import InvalidInput
from touyan.policy.selectors import policy_resolve

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _close(village, category: str = "collective_reward"):
    sec = village["secretary"]
    d = services.decision_create(
        actor=sec,
        village_code=village["code"],
        title="2025年集体经济发展奖励分配",
        category=category,
        amount=Decimal("12000"),
    )
    for step in (
        StepIn(1, TODAY, 5, 5, 5),
        StepIn(2, TODAY, 9, 9, 9),
        StepIn(3, TODAY, 30, 20, 16),
        StepIn(4, TODAY, 45, 30, 25, kind="representatives"),
        StepIn(5, TODAY),
        StepIn(6, TODAY),
    ):
        d = services.decision_step(actor=sec, decision_id=d.pk, data=step)
    return d


def test_closed_decision_for_is_the_reward_hook(village) -> None:
    """R-PAY-08: payroll's reward may name only a closed 四议两公开 decision of the same village."""
    d = _close(village)
    found = selectors.closed_decision_for(village_code=village["code"], ref=d.ref, category="collective_reward")
    assert found is not None and found.id == d.pk and found.closed_at is not None
    assert selectors.closed_decision_for(village_code=village["code"], ref=str(d.pk)) is not None
    assert selectors.closed_decision_for(village_code="522301001002", ref=d.ref) is None
    assert selectors.closed_decision_for(village_code=village["code"], ref=d.ref, category="project") is None
    assert selectors.closed_decision_for(village_code=village["code"], ref="") is None
    open_one = services.decision_create(
        actor=village["secretary"], village_code=village["code"], title="未办结", category="collective_reward"
    )
    assert selectors.closed_decision_for(village_code=village["code"], ref=open_one.ref) is None


def test_step_date_cannot_run_backwards_or_ahead(village) -> None:
    sec = village["secretary"]
    d = services.decision_create(actor=sec, village_code=village["code"], title="x", category="other")
    services.decision_step(actor=sec, decision_id=d.pk, data=StepIn(1, TODAY, 5, 5, 5))
    with pytest.raises(InvalidInput) as exc:
        services.decision_step(actor=sec, decision_id=d.pk, data=StepIn(2, TODAY - dt.timedelta(days=1), 9, 9, 9))
    assert "date" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        services.decision_step(actor=sec, decision_id=d.pk, data=StepIn(2, TODAY + dt.timedelta(days=1), 9, 9, 9))
    assert "date" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        services.decision_step(actor=sec, decision_id=d.pk, data=StepIn(2, TODAY, 9, 9, 9, sc_signed=False))
    assert "sc_signed" in exc.value.errors


def test_countersign_by_the_committee_member(village) -> None:
    d = _close(village, "project")
    row = services.step_countersign(actor=village["member"], decision_id=d.pk, step=5)
    assert row.sc_signed_by_id == village["member"].pk
    from touyan.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.step_countersign(actor=village["clerk"], decision_id=d.pk, step=5)


def test_pay_notice_from_a_pay_run_names_and_amounts_only(village) -> None:
    """R-OPEN-04 / WF-8: a run in 村内公示 gives each village a draft F06 with name, post and amount."""
    from touyan.payroll.models import PayRun, Payslip

    run = PayRun.objects.create(region_id="522301001000", month=dt.date(2026, 3, 1), state="village_notice")
    Payslip.objects.create(
        run=run, person_id=village["secretary"].cadre_id, village_id=village["code"], total=Decimal("11379.37")
    )
    Payslip.objects.create(
        run=run, person_id=village["clerk"].cadre_id, village_id=village["code"], total=Decimal("3000.00")
    )
    made = services.pay_notice_items(actor=village["township"], run_id=run.pk)
    assert len(made) == 1
    item = made[0]
    assert item.item_code == "F06" and item.state == "draft" and item.period == "2026-03"
    assert item.table is not None
    assert item.table["rows"][0] == ["李书记", "党组织书记、村(居)委会主任", "11379.37"]
    text = json.dumps(item.table, ensure_ascii=False)
    assert "1381234" not in text and "522301" not in text
    assert services.pay_notice_items(actor=village["township"], run_id=run.pk)[0].pk == item.pk  # once
    from touyan.core.errors import NotFound

    with pytest.raises(NotFound):
        services.pay_notice_items(actor=village["outsider"], run_id=run.pk)


def test_disclosures_due_and_overdue(village, tree) -> None:
    """R-OPEN-01/02: the last closed quarter's items are due by the 20th of the next month."""
    v = tree[village["code"]]
    day = dt.date(2026, 4, 25)
    due = selectors.disclosures_due(villages=[v], policies={v.code: policy_resolve(v.code, day)}, today=day)
    quarterly = [d for d in due if d.code == "V11"]
    assert quarterly and quarterly[0].period == "2026-Q1" and quarterly[0].deadline == dt.date(2026, 4, 20)
    assert quarterly[0].overdue
    item = services.item_create(
        actor=village["clerk"], village_code=v.code, item="V11", period="2026-Q1", title="低保", body=""
    )
    services.item_review(actor=village["director"], item_id=item.pk)
    services.item_publish(actor=village["secretary"], item_id=item.pk)
    due = selectors.disclosures_due(villages=[v], policies={v.code: policy_resolve(v.code, day)}, today=day)
    assert not [d for d in due if d.code == "V11"]


def test_a_county_catalogue_replaces_the_default(api_client, village, personas) -> None:
    """R-OPEN-04 [cfg]: a county sets its own catalogue through the policy API; a bad one → 422."""
    admin = api_client(personas["county_a_admin"])
    entry = {"code": "X01", "category": "village", "title": "本县特色事项", "schedule": "quarterly"}
    r = admin.put(
        "/api/v1/policy/522301000000",
        json.dumps({"effective_from": "2020-01-01", "params": {"disclosure_catalogue": [entry]}}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert [e.code for e in policy_resolve(village["code"])["disclosure_catalogue"]] == ["X01"]
    assert (
        services.item_create(
            actor=village["clerk"], village_code=village["code"], item="X01", period="2026-Q1", title="x", body=""
        ).item_code
        == "X01"
    )
    r = admin.put(
        "/api/v1/policy/522301000000",
        json.dumps({"effective_from": "2020-01-01", "params": {"disclosure_catalogue": [entry, entry]}}),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert DisclosureItem.objects.count() == 1


@pytest.mark.django_db
def test_reward_is_approved_only_on_a_closed_collective_reward_decision(personas) -> None:
    """R-PAY-08: payroll's reward approval asks affairs for the village's closed 四议两公开 decision."""
    from touyan.core.errors import Conflict
    from touyan.payroll import services as payroll_services
    from touyan.payroll.tests.factories import CadreFactory, closed_reward_decision

    CadreFactory.create(secretary=True)
    officer = personas["township_a1"]
    reward = payroll_services.reward_propose(
        actor=officer,
        village_code=VILLAGE_A1,
        year=2025,
        income=Decimal(300000),
        previous_income=Decimal(200000),
        decision_ref="坪东〔2026〕3号",
    )
    with pytest.raises(Conflict, match="四议两公开"):
        payroll_services.reward_approve(actor=officer, reward_id=reward.pk)
    closed_reward_decision(VILLAGE_A1, "坪东〔2026〕3号")
    assert payroll_services.reward_approve(actor=officer, reward_id=reward.pk).state == "approved"
