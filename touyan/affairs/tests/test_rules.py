"""Pure rules of village affairs, with the seeds' and SPEC's numbers (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from touyan.affairs import rules
from touyan.affairs.rules import Meeting


@pytest.mark.parametrize(
    ("present", "yes", "field"),
    [(19, 19, "present"), (20, 15, "yes"), (20, 16, None), (30, 16, None), (30, 15, "yes")],
)
def test_step_3_two_thirds_attend_and_more_than_half_of_all_due(present: int, yes: int, field: str | None) -> None:
    """R-DEC-01: 30 members due — 19 present fails, 20 present with 15 yes fails, 16 yes passes."""
    refusal = rules.step_refusal(Meeting(step=3, due=30, present=present, yes=yes, no=0))
    assert (refusal[0] if refusal else None) == field


def test_step_4_assembly_by_people_or_households() -> None:
    """R-ORG-08: more than half of villagers aged 18+, or ≥ 2/3 of households; yes > half of those present."""
    assert rules.step_refusal(Meeting(4, 800, 401, 201, 0, rules.ASSEMBLY)) is None
    assert rules.step_refusal(Meeting(4, 800, 400, 201, 0, rules.ASSEMBLY))[0] == "present"  # type: ignore[index]
    by_households = Meeting(4, 800, 300, 151, 0, rules.ASSEMBLY, households_due=300, households_present=200)
    assert rules.step_refusal(by_households) is None
    assert rules.step_refusal(Meeting(4, 800, 500, 250, 0, rules.ASSEMBLY))[0] == "yes"  # type: ignore[index]


def test_step_4_representatives_two_thirds() -> None:
    """R-ORG-08: the representatives' assembly needs ≥ 2/3 of its members; 45 → 30."""
    assert rules.step_refusal(Meeting(4, 45, 29, 29, 0, rules.REPRESENTATIVES))[0] == "present"  # type: ignore[index]
    assert rules.step_refusal(Meeting(4, 45, 30, 16, 0, rules.REPRESENTATIVES)) is None
    assert rules.step_refusal(Meeting(4, 45, 30, 15, 0, rules.REPRESENTATIVES))[0] == "yes"  # type: ignore[index]


def test_disclosure_steps_need_no_vote_and_counts_must_add_up() -> None:
    assert rules.step_refusal(Meeting(5, 0, 0, 0, 0)) is None
    assert rules.meeting_errors(Meeting(3, 30, 31, 0, 0)) == {"present": "实到人数 31 不能多于应到人数 30"}
    assert "yes" in rules.meeting_errors(Meeting(3, 30, 20, 15, 6))


def test_next_step_with_merged_1_2() -> None:
    """WF-3 order; R-DEC-02 merges 1–2 in a one-shoulder village."""
    assert rules.next_step(set(), False) == 1
    assert rules.next_step({1}, False) == 2
    assert rules.next_step({1}, True) == 3
    assert rules.next_step({1, 2, 3, 4, 5, 6}, False) is None
    assert rules.may_merge_1_2(one_shoulder=True, policy_allows=True)
    assert not rules.may_merge_1_2(one_shoulder=False, policy_allows=True)
    assert not rules.may_merge_1_2(one_shoulder=True, policy_allows=False)


def test_needs_decision_by_scope_or_threshold() -> None:
    """R-DEC-03: listed scope whatever the amount; any spend ≥ 50,000."""
    t = Decimal("50000")
    assert rules.needs_decision("charter", None, t)
    assert rules.needs_decision("spending", Decimal("50000"), t)
    assert not rules.needs_decision("spending", Decimal("49999.99"), t)
    assert not rules.needs_decision("other", None, t)


def _band(amount: str, *, band_2: str = "20000", is_works: bool = False) -> rules.Band:
    return rules.spending_band(
        Decimal(amount),
        band_1=Decimal("5000"),
        band_2=Decimal(band_2),
        major_threshold=Decimal("50000"),
        works_audit_threshold=Decimal("80000"),
        is_works=is_works,
    )


@pytest.mark.parametrize(
    ("amount", "band", "signers", "needs"),
    [
        ("5000", 1, ("supervision", "head", "accountant"), False),
        ("5000.01", 2, ("supervision", "committees", "liaison", "accountant"), False),
        ("20000", 2, ("supervision", "committees", "liaison", "accountant"), False),
        ("20000.01", 3, ("supervision", "head", "township", "accountant"), True),
        ("60000", 3, ("supervision", "head", "township", "accountant"), True),
    ],
)
def test_spending_bands(amount: str, band: int, signers: tuple[str, ...], needs: bool) -> None:
    """R-FIN-02: ≤ 5,000 both committees; 5,000–20,000 plus the liaison; > 20,000 四议两公开 + township."""
    b = _band(amount)
    assert (b.band, b.signers, b.needs_decision) == (band, signers, needs)


def test_threshold_applies_in_any_band_and_works_audit() -> None:
    """R-DEC-03 over R-FIN-02: a township that raised its bands still sends 50,000 through 四议两公开."""
    b = _band("60000", band_2="100000")
    assert b.band == 2 and b.needs_decision
    assert _band("80000", is_works=True).works_audit
    assert not _band("79999", is_works=True).works_audit


@pytest.mark.parametrize(
    ("raw", "kind", "start", "end"),
    [
        ("2026", "annual", "2026-01-01", "2026-12-31"),
        ("2026-h2", "semiannual", "2026-07-01", "2026-12-31"),
        ("2026-Q1", "quarterly", "2026-01-01", "2026-03-31"),
        ("2026-02", "monthly", "2026-02-01", "2026-02-28"),
        ("2026-03-15", "day", "2026-03-15", "2026-03-15"),
    ],
)
def test_periods(raw: str, kind: str, start: str, end: str) -> None:
    p = rules.parse_period(raw)
    assert (p.kind, p.start.isoformat(), p.end.isoformat()) == (kind, start, end)


@pytest.mark.parametrize("raw", ["Q1", "2026-13", "2026-Q5", "26-01", "2026-02-30", ""])
def test_bad_periods(raw: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_period(raw)


def test_disclosure_deadline_is_day_20_of_the_month_after() -> None:
    """R-OPEN-02: quarter_disclosure_day = 20 of the first month of the next quarter."""
    assert rules.disclosure_deadline(rules.parse_period("2026-Q1"), 20) == dt.date(2026, 4, 20)
    assert rules.disclosure_deadline(rules.parse_period("2026-Q4"), 20) == dt.date(2027, 1, 20)
    assert rules.disclosure_deadline(rules.parse_period("2026-03"), 10) == dt.date(2026, 4, 10)
    assert rules.last_closed_period("quarterly", dt.date(2026, 4, 3)) == rules.parse_period("2026-Q1")
    assert rules.last_closed_period("at_once", dt.date(2026, 4, 3)) is None
    assert rules.effective_schedule("finance", finance_period="quarterly", party_period="semiannual") == "quarterly"


def test_reply_due_ten_days() -> None:
    """R-OPEN-03: objection_reply_days = 10."""
    assert rules.reply_due(dt.date(2026, 3, 25), 10) == dt.date(2026, 4, 4)


@pytest.mark.parametrize(
    "text",
    [
        "身份证 522301198501010011",
        "号码52230119850101001X。",
        "手机 13812345678",
        "+86 138-1234-5678",
        "电话 0859-3221234",
        "卡号 6222021234567890123",
        "旧身份证 522301850101001",
    ],
)
def test_redact_personal_numbers(text: str) -> None:
    """R-DATA-05: ID, bank-card and phone numbers never reach a public page."""
    out = rules.redact_personal(text)
    assert rules.HIDDEN in out and sum(ch.isdigit() for ch in out) == 0


def test_redact_keeps_amounts_and_dates() -> None:
    text = "2026-03-15 收入 12,000.00 元,支出 8600 元,共 42 人"
    assert rules.redact_personal(text) == text
    assert rules.redact_table({"columns": ["姓名"], "rows": [["刘某 13812345678"]]}) == {
        "columns": ["姓名"],
        "rows": [[f"刘某 {rules.HIDDEN}"]],
    }


def test_flow_layout_one_box_per_step() -> None:
    boxes = rules.flow_layout(("申请", "审核", "公开"))
    assert [b.n for b in boxes] == [1, 2, 3] and boxes[1].y > boxes[0].y + boxes[0].h
    assert rules.flow_height(3) == boxes[-1].y + boxes[-1].h + 10
