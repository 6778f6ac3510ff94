"""The app shape's guarantees for payroll (issue 15): parameters as typed groups with one source
of defaults, the departure tables as policy parameters (R-PAY-10 b, c), A6.2 and A6.5 written
once, the pay standard as a rule, the declared flows, one line registry, one bulk writer, a
township's insurance table saved in one transaction, and one source of state colours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from conftest import TOWNSHIP_A1, VILLAGE_A1, VILLAGE_B1
from touyan.audit.models import AuditEvent
from touyan.cadres.rules import Span
from touyan.core import copy as bulk_copy
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.payroll import flows, lines, rules, services
from touyan.payroll.models import Adjustment, CollectiveReward, Insurance, PayLine, PayRun
from touyan.payroll.rules import departure
from touyan.payroll.rules.params import FloorParams, OneOffParams, RewardParams, WeakParams
from touyan.payroll.tests.factories import (
    AdjustmentFactory,
    CadreFactory,
    CountyStatsFactory,
    MonthLockFactory,
    PayRunFactory,
)
from touyan.policy.params import BY_KEY, DEFAULTS, FullParams
from touyan.policy.rules import annual_pay_at_competent, check_consistency, perf_target_annual

d = dt.date


# ---------------------------------------------------------------------------
# Parameters (pure)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("group", [rules.PayPolicy, RewardParams, OneOffParams, WeakParams, FloorParams])
def test_each_group_field_is_a_parameter_with_its_default(group: Any) -> None:
    for f in dataclasses.fields(group):
        assert f.name in BY_KEY, f.name
        assert f.default == DEFAULTS[f.name], f.name
    assert group.of(FullParams.model_validate(DEFAULTS).model_dump()) == group()


def test_departure_tables_are_the_spec_defaults() -> None:
    """R-PAY-10: (a) 10/20/30 % for 6 or 9 / 12 or 18 / 18 or 27 years, 主任 80 %; (b) 20 / 15 / 10
    yuan a month per term for 书记 / 主任 / 文书; (c) 10 / 15 / 20 years → 485/465/445,
    505/485/465, 525/505/485 for 书记 / 主任 / 会计 (句容)."""
    policy = departure.DeparturePolicy()
    assert policy.pct_levels == ((18, 27, D("0.30")), (12, 18, D("0.20")), (6, 9, D("0.10")))
    assert policy.director_ratio == D("0.8")
    assert dict(policy.term_rates) == {"PS": D(20), "VD": D(15), "CLK": D(10)}
    assert policy.brackets == (
        (20, {"PS": D(525), "VD": D(505), "ACC": D(485)}),
        (15, {"PS": D(505), "VD": D(485), "ACC": D(465)}),
        (10, {"PS": D(485), "VD": D(465), "ACC": D(445)}),
    )


def _facts(*spans: Span) -> departure.DepartureFacts:
    return departure.DepartureFacts("male", d(1958, 1, 1), spans, tuple("term_end" for _s in spans))


def test_a_region_sets_its_own_per_term_rates_and_brackets() -> None:
    """R-PAY-10 (b) and (c) read the region's parameters: 30 yuan a term for a 书记; the first
    bracket from 12 years instead of 10."""
    mine = DEFAULTS | {
        "departure_strategy": "per_term",
        "departure_term_rate_ps": D(30),
        "departure_bracket_1_years": 12,
    }
    resolved = FullParams.model_validate(mine).model_dump()
    assert check_consistency(resolved) == {}
    policy = departure.DeparturePolicy.of(resolved, D(42000))
    nine = Span("PS", d(2008, 4, 1), d(2017, 3, 31))
    assert departure.departure_amount(_facts(nine), policy).monthly == D("90.00")  # 3 terms × 30
    twelve_vd = Span("VD", d(2005, 4, 1), d(2017, 3, 31))
    brackets = dataclasses.replace(policy, strategy="bracket_table")
    assert departure.departure_amount(_facts(twelve_vd), brackets).monthly == D(465)
    ten_vd = Span("VD", d(2007, 4, 1), d(2017, 3, 31))  # 10 years: below the region's first bracket
    assert not departure.departure_amount(_facts(ten_vd), brackets).eligible


def test_brackets_must_not_decrease() -> None:
    broken = FullParams.model_validate(DEFAULTS | {"departure_bracket_2_ps": D(400)}).model_dump()
    assert "departure_bracket_2_years" in check_consistency(broken)
    with pytest.raises(ValueError):  # validated: no negative amounts
        FullParams.model_validate(DEFAULTS | {"departure_term_rate_vd": D(-1)})


def test_a6_2_and_a6_5_are_one_formula_each() -> None:
    """A6.2: the secretary base is max(36,000, 3 × 14,000) = 42,000 (36,000 without an income);
    A6.5: the performance target is base × 0.4 / 0.6 = 28,000 — the floor check's too."""
    policy = rules.PayPolicy()
    assert rules.secretary_base_annual(policy, D(14000)) == D(42000)
    assert rules.secretary_base_annual(policy, None) == D(36000)
    assert perf_target_annual(D(42000), D("0.4")) == D(28000)
    assert annual_pay_at_competent(D(42000), D("0.4"), D(1)) == D(70000)


def test_pay_standard_is_a_rule() -> None:
    """R-PAY-01…07 at income 14,000: one-shoulder 42,000 + 28,000 + 2,000 = 72,000 at 称职, 77,600
    at 优秀; the 书记's base is the floor 42,000 (standard 36,000); floors 50,000 / 42,000 met."""
    floors = FloorParams()
    table = rules.pay_standard(rules.PayPolicy(), {p: floors.of_post(p) for p in rules.POSTS}, D(14000), 2026)
    by_post = {row.post: row for row in table}
    one = by_post["one_shoulder"]
    assert (one.base, one.performance["competent"], one.pension) == (D(42000), D(28000), D(2000))
    assert (one.totals["competent"], one.totals["excellent"]) == (D(72000), D(77600))
    assert by_post["PS"].base_from_floor and by_post["PS"].base == D(42000)
    assert not any(row.breach for row in table) and by_post["deputy"].floor is None


# ---------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_steps_are_the_flow_and_each_is_audited(personas, finance) -> None:
    """WF-8 after calculation: the township publicises and approves, finance approves, pays and
    closes; each step is audited as payroll.run.<step> and recorded as a step of the run."""
    run = PayRunFactory.create(calculated=True)
    officer, cf = personas["township_a1"], finance["a"]
    assert [t.name for t in flows.PAYRUN.available(officer, run)] == ["calculate", "publicise"]
    assert not flows.PAYRUN.can(cf, run, "publicise")
    with pytest.raises(Forbidden, match="乡镇"):
        services.payrun_advance(actor=cf, run_id=run.pk, to="village_notice")
    for actor, to in ((officer, "village_notice"), (officer, "township_approved"), (cf, "county_finance_approved")):
        services.payrun_advance(actor=actor, run_id=run.pk, to=to)
    services.payrun_step(actor=cf, run=run, name="disburse")
    services.payrun_step(actor=cf, run=run, name="close", note="已结清")
    run.refresh_from_db()
    assert run.state == PayRun.State.CLOSED
    codes = list(
        AuditEvent.objects.filter(object_type="payroll.payrun").order_by("id").values_list("action", flat=True)
    )
    steps = ["publicise", "approve_township", "approve_finance", "disburse", "close"]
    assert codes == [f"payroll.run.{s}" for s in steps]
    assert list(run.steps.values_list("state", flat=True))[-1] == "closed"
    assert run.steps.get(state="closed").note == "已结清"
    with pytest.raises(InvalidInput):
        services.payrun_advance(actor=officer, run_id=run.pk, to="calculated")  # calculation is not an approval


@pytest.mark.django_db
def test_departure_rejection_needs_a_reason_and_after_the_notice_the_county(personas) -> None:
    person = CadreFactory.create(former=True)
    allowance = services.departure_apply(actor=personas["township_a1"], cadre_id=person.pk)
    officer, county = personas["township_a1"], personas["county_a_admin"]
    with pytest.raises(InvalidInput) as exc:
        services.departure_advance(actor=officer, departure_id=allowance.pk, to="rejected")
    assert "note" in exc.value.errors
    for to in ("village_checked", "township_checked", "public_notice"):
        services.departure_advance(actor=officer, departure_id=allowance.pk, to=to)
    assert not flows.DEPARTURE.can(officer, allowance, "reject_after_notice")
    with pytest.raises(Forbidden, match="县委组织部"):
        services.departure_advance(actor=officer, departure_id=allowance.pk, to="rejected", note="不符合")
    done = services.departure_advance(actor=county, departure_id=allowance.pk, to="rejected", note="不符合")
    assert done.state == "rejected" and done.note == "不符合"
    assert AuditEvent.objects.filter(action="payroll.departure.reject_after_notice").count() == 1


@pytest.mark.django_db
def test_another_app_adds_a_check_to_the_reward_decision(personas, monkeypatch) -> None:
    """The hook `register_reward_check` (for the village-affairs app's 四议两公开 decision)."""
    monkeypatch.setattr(flows, "REWARD_CHECKS", [])  # this check alone, not the one affairs registers
    CadreFactory.create(secretary=True)
    officer = personas["township_a1"]
    reward = services.reward_propose(
        actor=officer,
        village_code=VILLAGE_A1,
        year=2025,
        income=D(300000),
        previous_income=D(200000),
        decision_ref="1号",
        today=d(2026, 2, 1),
    )

    def decided(obj: Any, facts: Any) -> str | None:
        return None if obj.decision_ref == "2号" else "村级决议尚未公开"

    flows.register_reward_check(decided)
    try:
        assert not flows.REWARD.can(officer, reward, "approve")
        with pytest.raises(Conflict, match="尚未公开"):
            services.reward_approve(actor=officer, reward_id=reward.pk)
        CollectiveReward.objects.filter(pk=reward.pk).update(decision_ref="2号")
        services.reward_approve(actor=officer, reward_id=reward.pk)
    finally:
        flows.REWARD_CHECKS.remove(decided)
    assert Adjustment.objects.filter(kind="reward").count() == 1


# ---------------------------------------------------------------------------
# One registry of extra lines, one bulk writer
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_kind_of_line_is_one_registration(personas, make_cadre) -> None:
    """A kind of monthly line from another app (say a certificate allowance): registered once, it
    is paid by the run and named on the payslip."""
    CountyStatsFactory.create()
    MonthLockFactory.create(month=d(2026, 4, 1))
    cadre = make_cadre(village=VILLAGE_A1, posts=("PS",))

    def certificates(month: dt.date, lo: str, hi: str, run_ids: Any) -> list[lines.ExtraLine]:
        return [lines.ExtraLine(cadre.pk, VILLAGE_A1, "certificate_allowance", D(200), {"reason": "社工证"})]

    lines.register(certificates, {"certificate_allowance": "持证补贴"})
    try:
        officer = personas["township_a1"]
        run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=d(2026, 4, 1))
        services.payrun_calculate(actor=officer, run_id=run.pk)
        from touyan.payroll import outputs

        assert outputs.component_label("certificate_allowance") == "持证补贴"
    finally:
        lines.KINDS[:] = [k for k in lines.KINDS if k.source is not certificates]
    line = PayLine.objects.get(component="certificate_allowance")
    assert line.amount == D(200) and line.payslip.person_id == cadre.pk


@pytest.mark.django_db
def test_bulk_writer_gives_ids_and_defaults(personas) -> None:
    person = CadreFactory.create()
    rows = bulk_copy.insert_rows(
        Adjustment,
        [{"person_id": person.pk, "village_id": VILLAGE_A1, "kind": "honour", "amount": D(1000), "reason": "x"}] * 1
        + [{"person_id": person.pk, "village_id": VILLAGE_A1, "kind": "condolence", "amount": D(5), "reason": "y"}],
    )
    assert len({r["id"] for r in rows}) == 2
    stored = {a.pk: a for a in Adjustment.objects.all()}
    assert set(stored) == {r["id"] for r in rows}
    assert stored[rows[1]["id"]].amount == D(5) and stored[rows[0]["id"]].created_at is not None


# ---------------------------------------------------------------------------
# A page action over many rows, state colours
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_township_table_of_enrolments_is_saved_whole_or_not_at_all(login, personas) -> None:
    """R-PAY-07: the township page saves every row in one transaction; an outsider's row refuses
    the whole table."""
    a, b = CadreFactory.create(secretary=True), CadreFactory.create(village="522301001002", one_shoulder=True)
    outsider = CadreFactory.create(village=VILLAGE_B1, secretary=True)
    officer = login(personas["township_a1"])
    url = f"/payroll/insurance/{TOWNSHIP_A1}/2026/save/"
    r = officer.post(url, {"cadre": [a.pk, b.pk], f"pension_{a.pk}": "on", f"accident_{b.pk}": "on"})
    assert r.status_code == 302
    saved = {i.person_id: (i.pension, i.health_check, i.accident) for i in Insurance.objects.all()}
    assert saved == {a.pk: (True, False, False), b.pk: (False, False, True)}
    with pytest.raises(NotFound):
        services.insurance_set_many(
            actor=personas["township_a1"],
            year=2027,
            rows=[services.Enrolment(a.pk, True, True, True), services.Enrolment(outsider.pk, True, True, True)],
        )
    assert not Insurance.objects.filter(year=2027).exists()
    assert officer.post(url, {"cadre": [a.pk, outsider.pk]}).status_code == 404
    assert Insurance.objects.get(person=a, year=2026).pension  # unchanged


@pytest.mark.django_db
def test_one_post_url_per_step_and_one_colour_per_state(login, personas) -> None:
    run = PayRunFactory.create(calculated=True)
    officer = login(personas["township_a1"])
    page = officer.get(f"/payroll/runs/{run.pk}/").content.decode()
    assert f"/payroll/runs/{run.pk}/steps/publicise/" in page
    assert 'class="badge tag text-bg-info">已计算' in page  # flows.TAGS
    assert officer.post(f"/payroll/runs/{run.pk}/steps/publicise/", {"note": "公示 5 天"}).status_code == 302
    run.refresh_from_db()
    assert run.state == "village_notice" and run.steps.get(state="village_notice").note == "公示 5 天"
    assert officer.post(f"/payroll/runs/{run.pk}/steps/calculate/").status_code == 404
    assert flows.tag_of(run) == "warning"
    adj = AdjustmentFactory.create()
    assert flows.tag_of(adj) == "secondary"  # no flow: the neutral colour


def test_notice_period_rule() -> None:
    """WF-8: a notice posted 2026-04-01 for `pay_notice_days = 5` runs until 2026-04-05; from
    2026-04-06 the township may approve; with 0 days at once."""
    assert rules.notice_ends(dt.date(2026, 4, 1), 5) == dt.date(2026, 4, 6)
    assert rules.notice_running(dt.date(2026, 4, 1), 5, dt.date(2026, 4, 5)) == dt.date(2026, 4, 6)
    assert rules.notice_running(dt.date(2026, 4, 1), 5, dt.date(2026, 4, 6)) is None
    assert rules.notice_running(dt.date(2026, 4, 1), 0, dt.date(2026, 4, 1)) is None
    assert rules.notice_running(None, 5, dt.date(2026, 4, 1)) is None
    # the page's "公示期至 2026-04-05" while it runs
    assert rules.notice_last_day(dt.date(2026, 4, 1), 5, dt.date(2026, 4, 3)) == dt.date(2026, 4, 5)
    assert rules.notice_last_day(dt.date(2026, 4, 1), 5, dt.date(2026, 4, 6)) is None


@pytest.mark.django_db
def test_village_notice_lasts_its_period_before_township_approval(personas, login) -> None:
    """WF-8: 村内公示 → 乡镇审批 in the same minute is refused (409) while `pay_notice_days` (5, set
    by the county) runs; once the notice began 5 days ago the township approves."""
    from touyan.payroll.models import PayrunStep
    from touyan.policy.models import PolicyDocument

    officer = personas["township_a1"]
    PolicyDocument.objects.create(region_id="522301000000", effective_from=dt.date(2000, 1, 1),
                                  params={"pay_notice_days": 5})  # fmt: skip
    run = PayRunFactory.create(calculated=True)
    services.payrun_advance(actor=officer, run_id=run.pk, to="village_notice")
    with pytest.raises(Conflict, match="村内公示期未满"):
        services.payrun_advance(actor=officer, run_id=run.pk, to="township_approved")
    run.refresh_from_db()
    assert run.state == "village_notice"
    from django.utils import timezone

    page = login(officer).get(f"/payroll/runs/{run.pk}/").content.decode()
    last = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    assert (
        f"公示期至 {last}" in page
        and 'value="township_approved"' not in page
        and "/steps/approve_township/" not in page
    )
    PayrunStep.objects.filter(run=run, state="village_notice").update(at=timezone.now() - dt.timedelta(days=5))
    assert "公示期至" not in login(officer).get(f"/payroll/runs/{run.pk}/").content.decode()
    assert services.payrun_advance(actor=officer, run_id=run.pk, to="township_approved").state == "township_approved"


@pytest.mark.django_db
def test_one_user_does_not_approve_a_run_for_township_and_finance(personas, finance) -> None:
    """WF-8 separation of duties: the national administrator may take either approval, but not
    both of one run (403); county finance then approves it."""
    national = personas["national"]
    run = PayRunFactory.create(notice=True)
    services.payrun_advance(actor=national, run_id=run.pk, to="township_approved")
    with pytest.raises(Forbidden, match="同一人不能连续办理两级审批"):
        services.payrun_advance(actor=national, run_id=run.pk, to="county_finance_approved")
    run.refresh_from_db()
    assert run.state == "township_approved" and not flows.PAYRUN.can(national, run, "approve_finance")
    done = services.payrun_advance(actor=finance["a"], run_id=run.pk, to="county_finance_approved")
    assert done.state == "county_finance_approved"
