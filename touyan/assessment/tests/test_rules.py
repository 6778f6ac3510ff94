"""Assessment rules with the numbers of the issue and SPEC (R-ASMT-02/03/04/07, A3, R-PTY-02/03)."""

from __future__ import annotations

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
