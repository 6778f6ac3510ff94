"""Assessment rules with the numbers of the issue and SPEC (R-ASMT-02/03/04/07, A3, R-PTY-02/03)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from touyan.assessment import rules


def test_grade_bands() -> None:
    """A3: ≥90 优秀, 70–89.99 称职, 60–69.99 基本称职, <60 不称职."""
    assert rules.grade(D("90")) == "excellent"
    assert rules.grade(D("89.99")) == "competent"
    assert rules.grade(D("70")) == "competent"
    assert rules.grade(D("69.99")) == "basically_competent"
    assert rules.grade(D("60")) == "basically_competent"
    assert rules.grade(D("59.99")) == "incompetent"


def test_annual_worked_example() -> None:
    """R-ASMT-02/04: quarters 92, 85, 78, 88 → work = 343 / 4 = 85.75;
    tallies 30 优秀 / 50 称职 / 15 基本称职 / 5 不称职 → democratic = (3000 + 4000 + 900 + 0) / 100 = 79.00;
    total = 0.7 × 85.75 + 0.3 × 79.00 = 60.025 + 23.70 = 83.725 → 83.73 → 称职."""
    result = rules.annual([D(92), D(85), D(78), D(88)], rules.Tally(30, 50, 15, 5))
    assert result.work_score == D("85.75")
    assert result.demo_score == D("79.00")
    assert result.total == D("83.73")
    assert result.grade == "competent"
    assert not result.admonition


def test_low_satisfaction_forces_incompetent_and_unqualified_share_admonishes() -> None:
    """R-ASMT-04: satisfaction (优秀+称职) 35 % < 40 % → 不称职; 不称职 ballots 30 % ≥ 30 % → admonition talk."""
    demo = rules.democratic(rules.Tally(5, 30, 35, 30))
    assert demo.satisfaction == D("0.3500") and demo.forced_incompetent
    assert demo.unqualified_share == D("0.3000") and demo.admonition
    result = rules.annual([D(95)] * 4, rules.Tally(5, 30, 35, 30))
    assert result.grade == "incompetent"


def test_competency_rate() -> None:
    """R-ASMT-07 / A3: 85 胜任, 10 基本胜任, 5 不胜任 → 85 % → admonition talk; 75 % → exit;
    基本胜任 is not 胜任 unless the policy says so."""
    rate, outcome = rules.competency(rules.CompetencyTally(50, 6, 3), rules.CompetencyTally(35, 4, 2))
    assert rate == D("0.8500") and outcome == rules.ADMONISH
    rate, outcome = rules.competency(rules.CompetencyTally(75, 20, 5), rules.CompetencyTally())
    assert rate == D("0.7500") and outcome == rules.EXIT
    rate, outcome = rules.competency(
        rules.CompetencyTally(85, 10, 5), rules.CompetencyTally(), count_basic_as_competent=True
    )
    assert rate == D("0.9500") and outcome == rules.OK


def test_stars() -> None:
    """R-PTY-03: ≥90 + innovation → 5★; 80–89 → 4★; 70–79 → 3★; 60–69 → 2★; <60 → 1★."""
    assert [
        rules.stars(D(s), innovation=i)
        for s, i in [(92, True), (92, False), (85, False), (75, False), (65, False), (50, False)]
    ] == [5, 4, 4, 3, 2, 1]


def test_pioneer_points_caps() -> None:
    """R-PTY-02: items capped per year; bonus +10 at most; penalties down to −20."""
    entries = (
        [rules.PointItem("study", D(8))] * 3
        + [rules.PointItem("bonus", D(6))] * 3
        + [rules.PointItem("penalty", D(-15))] * 2
    )
    assert rules.pioneer_total(entries, {"study": D(20)}) == D(20) + D(10) - D(20)


def test_annual_arithmetic_in_words() -> None:
    """R-ASMT-02/04, the worked example's lines: (92 + 85 + 78 + 88) ÷ 4 = 85.75; 79.00 from 30/50/15/5;
    0.7 × 85.75 + 0.3 × 79.00 = 83.73 → 称职."""
    result = rules.annual([D(92), D(85), D(78), D(88)], rules.Tally(30, 50, 15, 5))
    figures = rules.AnnualFigures(
        (D("92.00"), D("85.00"), D("78.00"), D("88.00")),
        rules.Tally(30, 50, 15, 5),
        result.work_score,
        D(0),
        result.demo_score,
        D(0),
        D(0),
        result.total,
        result.grade,
    )
    lines = rules.explain_annual(figures, rules.AssessmentPolicy())
    assert lines[0] == "工作实绩 = (92 + 85 + 78 + 88) ÷ 4 = 85.75"
    assert lines[1].startswith("民主测评 = (100×30 + 80×50 + 60×15 + 0×5) ÷ 100 张有效票 = 79.00")
    assert lines[2] == "总分 = 0.7 × 85.75 + 0.3 × 79.00 = 83.73"
    assert lines[3].startswith("等次:称职")


def test_annual_consequences() -> None:
    """R-ASMT-05: 优秀 → praise; 不称职 → self-criticism, notice, bonus withheld, and the exit review
    after a second 不称职 year; 不称职 ballots ≥ 30 % → admonition talk (R-ASMT-04)."""
    assert [c.kind for c in rules.annual_consequences("excellent", previous_grade=None, admonition=False)] == ["praise"]
    first = rules.annual_consequences("incompetent", previous_grade="competent", admonition=True)
    assert [c.kind for c in first] == ["self_criticism", "criticism_notice", "bonus_withheld", "admonition_talk"]
    second = rules.annual_consequences("incompetent", previous_grade="incompetent", admonition=False)
    assert "exit_review" in [c.kind for c in second]
    assert rules.annual_consequences("competent", previous_grade="incompetent", admonition=False) == []


def test_consequence_kinds_are_the_models() -> None:
    from touyan.assessment.models import Consequence

    kinds = {rules.ADMONITION, rules.SELF_CRITICISM, rules.CRITICISM_NOTICE, rules.BONUS_WITHHELD, rules.PRAISE}
    assert kinds | {rules.EXIT_REVIEW, rules.LEAVE_PROFESSIONAL} == set(Consequence.Kind.values)


def test_competency_consequence_from_next_month() -> None:
    """R-ASMT-07: 85 % → admonition; 75 % on 2026-07-15 → leaves professional management from 2026-08-01."""
    first = rules.first_of_next_month(dt.date(2026, 7, 15))
    assert first == dt.date(2026, 8, 1) and rules.first_of_next_month(dt.date(2026, 12, 31)) == dt.date(2027, 1, 1)
    admonish = rules.competency_consequence(rules.ADMONISH, D("0.8500"), first)
    assert admonish is not None and admonish.kind == "admonition_talk" and "85.0%" in admonish.note
    leave = rules.competency_consequence(rules.EXIT, D("0.7500"), first)
    assert leave is not None and leave.kind == "leave_professional" and "2026-08-01" in leave.note
    assert rules.competency_consequence(rules.OK, D("0.95"), first) is None


def test_pledge_score_and_items() -> None:
    """R-ASMT-08 (一诺双评): democratic 88 and organisational 92 → 90.00; blank items dropped."""
    assert rules.pledge_score(D(88), D(92)) == D("90.00")
    assert rules.clean_items(["修通组组路", " ", "", " 发展茶叶合作社 "]) == ["修通组组路", "发展茶叶合作社"]


def test_township_top_half() -> None:
    """R-POS-03: last year's assessment in the township's top ½ — totals 95, 90, 90, 80, 70 rank
    1, 2, 2, 4, 5; with five assessed the top half is ranks ≤ 2.5."""
    ranks = rules.competition_ranks([D(95), D(90), D(90), D(80), D(70)])
    assert ranks == [1, 2, 2, 4, 5]
    assert [rules.in_top_share(r, 5, D("0.5")) for r in ranks] == [True, True, True, False, False]
    assert not rules.in_top_share(1, 0, D("0.5"))


def test_period_calendar() -> None:
    """WF-5: quarters and halves of a year; the policy of a quarter is the one of its last month."""
    assert rules.quarter_span(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert rules.quarter_span(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert rules.half_span(2026, 2) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    assert (rules.quarter_of(dt.date(2026, 6, 30)), rules.half_of(dt.date(2026, 7, 1))) == (2, 2)
    assert rules.quarter_policy_day(2026, 2) == dt.date(2026, 6, 1)
    assert [rules.PERIOD_NUMBERS[k] for k in ("quarter", "half", "year")] == [range(1, 5), range(1, 3), range(0, 1)]


def test_excellent_quota() -> None:
    """R-ASMT-03: `excellent_max_share` = 20 % of a township's annual grades: 2 of 5 (40.0 %) is over,
    1 of 5 (20.0 %) is not; no grades, no share."""
    assert (rules.excellent_share_pct(2, 5), rules.over_excellent_quota(2, 5, D("0.20"))) == (D("40.0"), True)
    assert (rules.excellent_share_pct(1, 5), rules.over_excellent_quota(1, 5, D("0.20"))) == (D("20.0"), False)
    assert rules.excellent_share_pct(0, 0) is None and not rules.over_excellent_quota(0, 0, D("0.20"))
