"""Benefits with the SPEC's numbers (R-PAY-07…12): pure calculations table-tested, then the
services — scoped, audited, and their one-off payments carried into the next pay run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from conftest import COUNTY_A, TOWNSHIP_A1, VILLAGE_A1, make_id
from touyan.audit.models import AuditEvent
from touyan.cadres.models import Post
from touyan.cadres.rules import Span
from touyan.cadres.services import PersonIn, PostIn, cadre_create
from touyan.core import crypto
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.payroll import services
from touyan.payroll.models import Adjustment, BankAccount, PayLine, PayRun
from touyan.payroll.rules import benefits as benefit_rules
from touyan.payroll.rules.departure import DepartureFacts, DeparturePolicy, departure_amount
from touyan.payroll.selectors import benefits as benefit_selectors
from touyan.payroll.tests.factories import (
    CadreFactory,
    CountyStatsFactory,
    MonthLockFactory,
    closed_reward_decision,
)
from touyan.regions.models import RegionStat

d = dt.date


# ---------------------------------------------------------------------------
# Pure
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "previous", "rate", "cap", "pool"),
    [
        (D(300000), D(200000), D("0.10"), D("0.5"), D("10000.00")),  # R-PAY-08: 10 % of the increase
        (D(200000), D(300000), D("0.10"), D("0.5"), D(0)),  # no growth, no reward
        (D(100000), D(100000), D("0.10"), D("0.5"), D(0)),
        (D(300000), D(200000), D("0.60"), D("0.5"), D("50000.00")),  # capped at 50 % of the increase
        (D("12345.67"), D("10000"), D("0.10"), D("0.5"), D("234.57")),
    ],
)
def test_reward_pool(income: D, previous: D, rate: D, cap: D, pool: D) -> None:
    assert benefit_rules.reward_pool(income, previous, rate, cap) == pool


def test_split_evenly_sums_to_the_fen() -> None:
    assert benefit_rules.split_evenly(D("10000"), 3) == [D("3333.34"), D("3333.33"), D("3333.33")]
    assert sum(benefit_rules.split_evenly(D("234.57"), 4)) == D("234.57")
    assert benefit_rules.split_evenly(D(100), 0) == []


def test_months_and_service() -> None:
    assert benefit_rules.months_between(d(2011, 4, 1), d(2017, 3, 31)) == 72
    assert benefit_rules.months_between(d(2011, 4, 15), d(2011, 5, 13)) == 0
    spans = [
        Span("PS", d(2005, 4, 1), d(2010, 3, 31)),
        Span("PS", d(2010, 5, 1), d(2014, 3, 31)),
        Span("PS", d(2016, 1, 1), d(2019, 12, 31)),
    ]
    # The first two join (30 days apart); the third follows a gap of 21 months.
    assert benefit_rules.service_months(spans, 90) == (60 + 47, 60 + 47 + 48)


def test_mask_account() -> None:
    assert benefit_rules.mask_account("6217001234567891237") == "6217****1237"
    assert benefit_rules.normalize_account("6217 0012-3456 7891") == "6217001234567891"
    with pytest.raises(InvalidInput):
        benefit_rules.normalize_account("12ab")


def _facts(*spans: Span, gender: str = "male", birth: dt.date = d(1958, 1, 1), **kw: Any) -> DepartureFacts:
    return DepartureFacts(
        gender=gender, birth_date=birth, spans=spans, end_reasons=tuple("term_end" for s in spans if s.end), **kw
    )


POLICY = DeparturePolicy(secretary_base_annual=D(42000))


@pytest.mark.parametrize(
    ("spans", "monthly", "pct", "post"),
    [
        # R-PAY-10 (a): 书记 10 % / 20 % / 30 % of the current secretary base for 6 / 12 / 18 continuous years.
        ([Span("PS", d(2011, 4, 1), d(2017, 3, 31))], D("350.00"), "0.10", "PS"),  # 42,000 × 10 % ÷ 12
        ([Span("PS", d(2005, 4, 1), d(2017, 3, 31))], D("700.00"), "0.20", "PS"),
        ([Span("PS", d(1999, 4, 1), d(2017, 3, 31))], D("1050.00"), "0.30", "PS"),
        ([Span("PS", d(2012, 4, 1), d(2017, 3, 31))], D(0), "0", "PS"),  # 5 years: nothing
        # 9 years in total, not continuous (5 + 4 with a gap of two years) → 10 %.
        (
            [Span("PS", d(2000, 1, 1), d(2004, 12, 31)), Span("PS", d(2007, 1, 1), d(2010, 12, 31))],
            D("350.00"),
            "0.10",
            "PS",
        ),
        # 主任 gets 80 % of the secretary's figure: 6 years → 42,000 × 10 % × 0.8 ÷ 12 = 280.
        ([Span("VD", d(2011, 4, 1), d(2017, 3, 31))], D("280.00"), "0.10", "VD"),
        # The higher figure counts once: 6 years 书记 and 12 years 主任 → max(350, 560).
        (
            [Span("PS", d(2011, 4, 1), d(2017, 3, 31)), Span("VD", d(1999, 4, 1), d(2011, 3, 31))],
            D("560.00"),
            "0.20",
            "VD",
        ),
    ],
)
def test_departure_pct_of_current_base(spans: list[Span], monthly: D, pct: str, post: str) -> None:
    result = departure_amount(_facts(*spans), POLICY)
    assert result.monthly == monthly
    if monthly:
        assert result.eligible and result.basis["pct"] == pct and result.basis["post"] == post
    else:
        assert not result.eligible and "任职年限" in result.problems[0]


def test_departure_pct_table_is_a_policy_parameter() -> None:
    """R-PAY-10 (a): the SPEC default parameters give the built-in table; a region may set its own."""
    from touyan.payroll.rules.departure import DIRECTOR_RATIO, PCT_LEVELS, pct_levels_of
    from touyan.policy.params import DEFAULTS, FullParams
    from touyan.policy.rules import check_consistency

    defaults = FullParams.model_validate(DEFAULTS).model_dump()
    assert pct_levels_of(defaults) == PCT_LEVELS and DEFAULTS["departure_director_ratio"] == DIRECTOR_RATIO
    # A region paying 15 % / 25 % / 35 % from 5 / 10 / 15 continuous years, 主任 at 85 %.
    mine = FullParams.model_validate(
        DEFAULTS
        | {
            "departure_pct_1": D("0.15"),
            "departure_pct_1_continuous_years": 5,
            "departure_pct_2": D("0.25"),
            "departure_pct_2_continuous_years": 10,
            "departure_pct_3": D("0.35"),
            "departure_pct_3_continuous_years": 15,
            "departure_director_ratio": D("0.85"),
        }
    ).model_dump()
    policy = DeparturePolicy(secretary_base_annual=D(42000), pct_levels=pct_levels_of(mine), director_ratio=D("0.85"))
    five = Span("PS", d(2012, 4, 1), d(2017, 3, 31))
    assert departure_amount(_facts(five), POLICY).monthly == D(0)
    assert departure_amount(_facts(five), policy).monthly == D("525.00")  # 42,000 × 15 % ÷ 12
    twelve_vd = Span("VD", d(2005, 4, 1), d(2017, 3, 31))
    assert departure_amount(_facts(twelve_vd), policy).monthly == D("743.75")  # 42,000 × 25 % × 0.85 ÷ 12
    assert check_consistency(mine) == {}
    broken = DEFAULTS | {"departure_pct_2": D("0.05")}
    assert "departure_pct_2" in check_consistency(FullParams.model_validate(broken).model_dump())


def test_departure_age_and_start_month() -> None:
    """Paid from the month after 60 (men) / 55 (women), or after leaving office if later."""
    six = Span("PS", d(2011, 4, 1), d(2017, 3, 31))
    assert departure_amount(_facts(six, birth=d(1958, 5, 10)), POLICY).start_month == d(2018, 6, 1)
    assert departure_amount(_facts(six, birth=d(1950, 5, 10)), POLICY).start_month == d(2017, 4, 1)
    woman = departure_amount(_facts(six, gender="female", birth=d(1963, 7, 20)), POLICY)
    assert woman.start_month == d(2018, 8, 1)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"criminal": True}, "刑事处罚"),
        ({"expelled": True}, "开除"),
        ({"public_employment": True}, "公务员"),
        ({"pension_monthly": D(400)}, "无需补差"),
    ],
)
def test_departure_not_eligible(kw: dict[str, Any], message: str) -> None:
    result = departure_amount(_facts(Span("PS", d(2011, 4, 1), d(2017, 3, 31)), **kw), POLICY)
    assert not result.eligible and any(message in p for p in result.problems)


def test_departure_removed_in_office_and_top_up() -> None:
    removed = DepartureFacts("male", d(1958, 1, 1), (Span("PS", d(2005, 4, 1), d(2017, 3, 31)),), ("removed",))
    assert "罢免或撤职" in departure_amount(removed, POLICY).problems[0]
    serving = _facts(Span("PS", d(2005, 4, 1), None))
    assert "仍在任" in departure_amount(serving, POLICY).problems[0]
    top_up = departure_amount(_facts(Span("PS", d(2005, 4, 1), d(2017, 3, 31)), pension_monthly=D(500)), POLICY)
    assert top_up.monthly == D("200.00") and top_up.basis["gross"] == "700.00"  # only the difference (补差)


def test_departure_other_strategies() -> None:
    nine = Span("PS", d(2008, 4, 1), d(2017, 3, 31))
    per_term = departure_amount(_facts(nine), DeparturePolicy(strategy="per_term"))
    assert per_term.monthly == D("60.00") and per_term.basis["terms"] == 3  # 3 terms × 20 (书记)
    twelve = Span("VD", d(2005, 4, 1), d(2017, 3, 31))
    assert departure_amount(_facts(twelve), DeparturePolicy(strategy="bracket_table")).monthly == D(465)
    # Overlapping posts count once: PS and VD held together for 10 years → 10 years, 书记 bracket.
    both = (Span("PS", d(2007, 4, 1), d(2017, 3, 31)), Span("VD", d(2007, 4, 1), d(2017, 3, 31)))
    assert departure_amount(_facts(*both), DeparturePolicy(strategy="bracket_table")).monthly == D(485)


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_bank_account_encrypted_masked_audited_and_scoped(personas, finance, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1)
    record = services.bank_account_set(
        actor=personas["township_a1"], cadre_id=person.pk, bank="兴义农商银行", account="6217001234567891237"
    )
    assert record.account_masked == "6217****1237"
    assert crypto.decrypt(record.account_enc, context="bank_account") == "6217001234567891237"
    assert services.bank_account_number(record) == "6217001234567891237"
    event = AuditEvent.objects.get(action="payroll.bank_account.set")
    assert event.changes["account"] == [None, "6217****1237"] and "6217001234567891237" not in str(event.changes)
    services.bank_account_set(actor=finance["a"], cadre_id=person.pk, bank="农信社", account="6228480000123452")
    assert BankAccount.objects.get().account_masked == "6228****3452"
    with pytest.raises(NotFound):
        services.bank_account_set(actor=personas["township_b1"], cadre_id=person.pk, bank="x", account="62284800001")
    with pytest.raises(NotFound):
        services.bank_account_set(actor=finance["b"], cadre_id=person.pk, bank="x", account="62284800001")
    with pytest.raises(Forbidden):
        services.bank_account_set(actor=personas["auditor"], cadre_id=person.pk, bank="x", account="62284800001")


@pytest.mark.django_db
def test_insurance_set_per_year(personas, make_cadre) -> None:
    """R-PAY-07: enrolment in pension, health check and accident insurance, once per cadre and year."""
    person = make_cadre(village=VILLAGE_A1, posts=("PS",))
    officer = personas["township_a1"]
    services.insurance_set(
        actor=officer, cadre_id=person.pk, year=2026, pension=True, health_check=False, accident=True
    )
    ins = services.insurance_set(
        actor=officer, cadre_id=person.pk, year=2026, pension=True, health_check=True, accident=True
    )
    assert (ins.pension, ins.health_check, ins.accident) == (True, True, True)
    assert person.insurances.count() == 1
    assert AuditEvent.objects.filter(action="payroll.insurance.set").count() == 2
    _region, groups = benefit_selectors.insurance_coverage(actor=officer, region_code=TOWNSHIP_A1, year=2026)
    assert [g.count("health_check") for g in groups] == [1]
    with pytest.raises(NotFound):
        services.insurance_set(
            actor=personas["township_b1"], cadre_id=person.pk, year=2026, pension=True, health_check=True, accident=True
        )


def _lock_and_run(officer, month: dt.date) -> PayRun:  # type: ignore[no-untyped-def]
    MonthLockFactory.create(month=month)
    run = services.payrun_open(actor=officer, region_code=TOWNSHIP_A1, month=month)
    return services.payrun_calculate(actor=officer, run_id=run.pk)


@pytest.mark.django_db
def test_reward_propose_and_approve_pays_in_the_next_run(personas, make_cadre) -> None:
    """R-PAY-08: 10 % of the increase (300,000 − 200,000) = 10,000, shared by the 两委 members in
    post for 6 months or more; a member appointed in November 2025 is left out."""
    officer = personas["township_a1"]
    secretary = make_cadre(village=VILLAGE_A1, posts=("PS",), name="钱书记")
    member = make_cadre(village=VILLAGE_A1, posts=("VM",), name="孙委员")
    newcomer = make_cadre(village=VILLAGE_A1, posts=("VDD",), name="新委员")
    Post.objects.filter(person=newcomer).update(start_date=d(2025, 11, 1))
    with pytest.raises(InvalidInput) as exc:
        services.reward_propose(
            actor=officer,
            village_code=VILLAGE_A1,
            year=2025,
            income=D(300000),
            previous_income=D(200000),
            decision_ref="",
        )
    assert "decision_ref" in exc.value.errors
    reward = services.reward_propose(
        actor=officer,
        village_code=VILLAGE_A1,
        year=2025,
        income=D(300000),
        previous_income=D(200000),
        decision_ref="坪东〔2026〕1号",
        today=d(2026, 2, 1),
    )
    assert reward.pool == D("10000.00")
    assert {s["cadre"]: s["amount"] for s in reward.shares} == {secretary.pk: "5000.00", member.pk: "5000.00"}
    with pytest.raises(Conflict):
        services.reward_propose(
            actor=officer,
            village_code=VILLAGE_A1,
            year=2025,
            income=D(300000),
            previous_income=D(200000),
            decision_ref="again",
        )
    with pytest.raises(NotFound):
        services.reward_approve(actor=personas["township_b1"], reward_id=reward.pk)
    with pytest.raises((Conflict, InvalidInput)):  # no closed 四议两公开 decision with that number yet
        services.reward_approve(actor=officer, reward_id=reward.pk)
    closed_reward_decision(VILLAGE_A1, "坪东〔2026〕1号")
    services.reward_approve(actor=officer, reward_id=reward.pk)
    with pytest.raises(Conflict):
        services.reward_approve(actor=officer, reward_id=reward.pk)
    assert sorted(Adjustment.objects.filter(kind="reward").values_list("amount", flat=True)) == [D(5000), D(5000)]
    CountyStatsFactory.create()
    run = _lock_and_run(officer, d(2026, 4, 1))
    rewards = PayLine.objects.filter(payslip__run=run, component="reward")
    assert sorted(x.amount for x in rewards) == [D(5000), D(5000)]
    assert AuditEvent.objects.filter(action__in=["payroll.reward.propose", "payroll.reward.approve"]).count() == 2


@pytest.mark.django_db
def test_reward_rejected_needs_a_reason_and_pays_nothing(personas, make_cadre) -> None:
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    officer = personas["township_a1"]
    reward = services.reward_propose(
        actor=officer,
        village_code=VILLAGE_A1,
        year=2025,
        income=D(150000),
        previous_income=D(100000),
        decision_ref="1号",
    )
    assert reward.pool == D("5000.00")
    with pytest.raises(InvalidInput):
        services.reward_approve(actor=officer, reward_id=reward.pk, approve=False)
    services.reward_approve(actor=officer, reward_id=reward.pk, approve=False, note="未经村民代表会议")
    assert not Adjustment.objects.exists()
    with pytest.raises(InvalidInput):
        services.reward_propose(
            actor=officer, village_code=TOWNSHIP_A1, year=2024, income=D(2), previous_income=D(1), decision_ref="x"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "amount"), [("county", "1000.00"), ("prefecture", "1500.00"), ("province", "2000.00")]
)
def test_honour_amounts(personas, make_cadre, level: str, amount: str) -> None:
    """R-PAY-09: county / prefecture / province commendations → 1000 / 1500 / 2000."""
    person = make_cadre(village=VILLAGE_A1)
    adj = services.honour_award(actor=personas["township_a1"], cadre_id=person.pk, level=level, title="优秀书记")
    assert (adj.kind, adj.amount) == ("honour", D(amount)) and "优秀书记" in adj.reason
    assert AuditEvent.objects.get(action="payroll.honour.award").changes["level"] == level


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "amount"), [("illness", "2000.00"), ("disabled", "5000.00"), ("death", "20000.00")])
def test_condolence_amounts(personas, make_cadre, kind: str, amount: str) -> None:
    """R-PAY-11: serious illness 2000, disabled on duty 5000, died on duty 20000."""
    person = make_cadre(village=VILLAGE_A1)
    adj = services.condolence_grant(actor=personas["township_a1"], cadre_id=person.pk, kind=kind)
    assert (adj.kind, adj.amount) == ("condolence", D(amount))


@pytest.mark.django_db
def test_one_offs_are_scoped_and_validated(personas, make_cadre) -> None:
    person = make_cadre(village=VILLAGE_A1)
    with pytest.raises(NotFound):
        services.honour_award(actor=personas["township_b1"], cadre_id=person.pk, level="county", title="x")
    with pytest.raises(InvalidInput):
        services.honour_award(actor=personas["township_a1"], cadre_id=person.pk, level="national", title="")
    with pytest.raises(InvalidInput):
        services.condolence_grant(actor=personas["township_a1"], cadre_id=person.pk, kind="cold")
    with pytest.raises(Forbidden):
        services.condolence_grant(actor=personas["auditor"], cadre_id=person.pk, kind="illness")
    assert not Adjustment.objects.exists()


def _former_secretary(personas, years: int = 12, birth: str = "19580101"):  # type: ignore[no-untyped-def]
    return CadreFactory.create(former=True, name="孙老书记", start=d(2017 - years, 4, 1), birth=birth)


def _notice_posted(allowance: Any, day: dt.date) -> None:
    """The allowance's public notice was posted on `day`."""
    from touyan.payroll.models import DepartureAllowance

    DepartureAllowance.objects.filter(pk=allowance.pk).update(notice_from=day)


@pytest.mark.django_db
def test_departure_flow_and_lines_in_each_run(personas, make_cadre) -> None:
    """R-PAY-10: applied → village → township → notice → county approval; then a line in each
    run of the township until stopped."""
    CountyStatsFactory.create()
    officer, county = personas["township_a1"], personas["county_a_admin"]
    person = _former_secretary(personas)
    allowance = services.departure_apply(actor=officer, cadre_id=person.pk, today=d(2026, 3, 10))
    assert allowance.monthly_amount == D("700.00") and allowance.start_month == d(2018, 2, 1)
    with pytest.raises(Conflict):
        services.departure_apply(actor=officer, cadre_id=person.pk)
    with pytest.raises(Conflict):
        services.departure_advance(actor=officer, departure_id=allowance.pk, to="township_checked")
    for to in ("village_checked", "township_checked", "public_notice"):
        services.departure_advance(actor=officer, departure_id=allowance.pk, to=to)
    with pytest.raises(Forbidden):
        services.departure_advance(actor=officer, departure_id=allowance.pk, to="approved")
    with pytest.raises(NotFound):
        services.departure_advance(actor=personas["county_b_admin"], departure_id=allowance.pk, to="approved")
    # The public notice, posted on 2026-03-12, lasts publicity_days = 5: approval from 2026-03-17.
    _notice_posted(allowance, d(2026, 3, 12))
    with pytest.raises(Conflict, match="2026-03-17"):
        services.departure_advance(actor=county, departure_id=allowance.pk, to="approved", today=d(2026, 3, 16))
    services.departure_advance(actor=county, departure_id=allowance.pk, to="approved", today=d(2026, 3, 20))
    allowance.refresh_from_db()
    assert allowance.state == "approved" and allowance.monthly_amount == D("700.00")
    make_cadre(village=VILLAGE_A1, posts=("PS",))
    run = _lock_and_run(officer, d(2026, 4, 1))
    lines = benefit_selectors.departure_lines_for_run(run)
    assert [(x.person_id, x.amount) for x in lines] == [(person.pk, D("700.00"))]
    assert lines[0].basis["departure"] == allowance.pk
    from touyan.payroll.models import Payslip
    from touyan.payroll.services import payrun_calculate

    payrun_calculate(actor=officer, run_id=run.pk)  # the run pays the former cadre a payslip of their own
    slip = Payslip.objects.get(run=run, person=person)
    assert [(x.component, x.amount) for x in slip.lines.all()] == [("departure", D("700.00"))]
    services.departure_advance(
        actor=officer, departure_id=allowance.pk, to="stopped", stop_month=d(2026, 5, 1), note="去世"
    )
    may = PayRun(region_id=TOWNSHIP_A1, month=d(2026, 5, 1))
    may.region = run.region
    assert benefit_selectors.departure_lines_for_run(may) == []
    assert benefit_selectors.departure_lines_for_run(run) != []  # April is still paid
    other = PayRun(region_id="522302001000", month=d(2026, 4, 1))
    other.region = type(run.region).objects.get(code="522302001000")
    assert benefit_selectors.departure_lines_for_run(other) == []
    actions = list(AuditEvent.objects.filter(action__startswith="payroll.departure").values_list("action", flat=True))
    # Five steps, each audited with its flow code (payroll.departure.<step>; before the declared
    # flow all five were "payroll.departure.advance").
    steps = ("village_check", "township_check", "publicise", "approve", "stop")
    assert sorted(a for a in actions if a != "payroll.departure.apply") == sorted(
        f"payroll.departure.{s}" for s in steps
    )
    assert len(actions) == 6 and "payroll.departure.apply" in actions


@pytest.mark.django_db
def test_departure_refused_when_not_eligible(personas) -> None:
    young = _former_secretary(personas, birth="19800101")  # 46 in 2026: eligible only from 2040
    allowance = services.departure_apply(actor=personas["township_a1"], cadre_id=young.pk)
    assert allowance.start_month == d(2040, 2, 1)  # recorded now, paid from the month after 60
    short = cadre_create(
        actor=personas["national"],
        data=PersonIn(
            name="短任者",
            id_number=make_id("522301", "19550101", 21),
            village=VILLAGE_A1,
            education="senior_high",
            political_status="party_member",
            posts=[PostIn("PS", d(2014, 4, 1), d(2017, 3, 31), end_reason="term_end")],
        ),
    )
    with pytest.raises(InvalidInput) as exc:
        services.departure_apply(actor=personas["township_a1"], cadre_id=short.pk)
    assert "任职年限" in exc.value.errors["cadre"][0]
    with pytest.raises(InvalidInput) as exc:
        services.departure_apply(
            actor=personas["township_a1"], cadre_id=_former_secretary(personas, birth="19590101").pk, criminal=True
        )
    assert "刑事处罚" in exc.value.errors["cadre"][0]
    assert not AuditEvent.objects.filter(action="payroll.departure.apply", object_id=str(short.pk)).exists()


@pytest.mark.django_db
def test_weak_villages(personas, make_cadre) -> None:
    """R-PAY-12: < 10,000 is weak; a township with ≥ 50 % weak villages loses 10 % of its
    secretary's bonus; the weak village's secretary is not renominated."""
    make_cadre(village=VILLAGE_A1, posts=("PS",), name="周书记")
    RegionStat.objects.create(region_id=VILLAGE_A1, year=2025, collective_income=D("9999.99"))
    RegionStat.objects.create(region_id=VILLAGE_A1, year=2024, collective_income=D(30000))
    RegionStat.objects.create(region_id="522301001002", year=2025, collective_income=D(10000))
    RegionStat.objects.create(region_id="522301002001", year=2025, collective_income=D(50000))
    _region, townships = benefit_selectors.weak_villages(
        actor=personas["county_a_admin"], region_code=COUNTY_A, year=2025
    )
    by_code = {t.township.code: t for t in townships}
    a1, a2 = by_code[TOWNSHIP_A1], by_code["522301002000"]
    assert (a1.weak, a1.with_data, a1.share, a1.flagged, a1.bonus_cut) == (1, 2, D("0.5"), True, D("0.10"))
    assert (a2.weak, a2.flagged, a2.bonus_cut) == (0, False, D(0))
    weak = next(v for v in a1.villages if v.weak)
    assert weak.village.code == VILLAGE_A1 and weak.secretaries == ["周书记"] and weak.sharp_fall
    assert not next(v for v in a1.villages if v.village.code == "522301001002").weak  # 10,000 is not below
    with pytest.raises(NotFound):
        benefit_selectors.weak_villages(actor=personas["township_b1"], region_code=COUNTY_A, year=2025)
    with pytest.raises(InvalidInput):
        benefit_selectors.weak_villages(actor=personas["county_a_admin"], region_code=VILLAGE_A1, year=2025)
