"""The assessment state machines on core.workflow (WF-5, WF-6, R-ASMT-01/06/08): pages and
services give the same answer, every step is audited under its flow's code, nothing else writes
a free-text action."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal as D
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from conftest import COUNTY_A, VILLAGE_A1
from touyan.accounts.models import Role, User
from touyan.accounts.services import user_create
from touyan.assessment import flows, services
from touyan.assessment.actions import AssessmentAction
from touyan.assessment.models import AnnualAssessment, Period, Pledge, QuarterlyEvaluation, TargetPlan
from touyan.assessment.tests.factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    PeriodFactory,
    PledgeFactory,
    QuarterlyEvaluationFactory,
    TargetPlanFactory,
)
from touyan.audit.actions import label_of
from touyan.audit.models import AuditEvent
from touyan.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from touyan.policy.models import PolicyDocument

APP = Path(__file__).resolve().parents[1]


class _Undo(Exception):
    pass


def _succeeds(step: Callable[[], Any]) -> bool:
    """Whether the service takes the step; whatever it wrote is rolled back."""
    try:
        with transaction.atomic():
            step()
            raise _Undo
    except _Undo:
        return True
    except DomainError:
        return False


@pytest.fixture
def actors(personas: dict[str, User], cadre_user: Callable[..., User]) -> dict[str, User]:
    me = cadre_user(posts=("PS",), name="本人")
    colleague = cadre_user(posts=("VD",), name="同事")
    return {
        "self": me,
        "colleague": colleague,
        "township": personas["township_a1"],
        "county": personas["county_a_admin"],
        "auditor": personas["auditor"],
    }


PLEDGE_STEPS: dict[str, Callable[[User, int], Any]] = {
    "submit": lambda a, pk: services.pledge_advance(actor=a, pledge_id=pk, to="vetting"),
    "publicise": lambda a, pk: services.pledge_publicise(actor=a, pledge_id=pk),
    "return": lambda a, pk: services.pledge_return(actor=a, pledge_id=pk, reason="第三条请写具体"),
    "midyear": lambda a, pk: services.pledge_report(actor=a, pledge_id=pk, step="midyear", report="路基完成"),
    "yearend": lambda a, pk: services.pledge_report(actor=a, pledge_id=pk, step="yearend", report="全部完成"),
    "review": lambda a, pk: services.pledge_review(
        actor=a, pledge_id=pk, democratic_score=D(88), organisational_score=D(92)
    ),
    "withdraw": lambda a, pk: services.pledge_withdraw(actor=a, pledge_id=pk, reason="上级规划调整取消"),
}


OWN = {"self", "township", "county"}  # the cadre's own steps, or the township's on their behalf
TOWNSHIP = {"township", "county"}
# WF-6 as the township and the cadre live it: (state, step) → who may take it.
PLEDGE_RIGHTS = {
    ("drafting", "submit"): OWN,
    ("drafting", "withdraw"): TOWNSHIP,
    ("vetting", "publicise"): TOWNSHIP,
    ("vetting", "return"): TOWNSHIP,
    ("vetting", "withdraw"): TOWNSHIP,
    ("publicised", "midyear"): OWN,
    ("publicised", "yearend"): OWN,
    ("publicised", "withdraw"): TOWNSHIP,
    ("midyear", "yearend"): OWN,
    ("midyear", "withdraw"): TOWNSHIP,
    ("yearend", "review"): TOWNSHIP,
    ("yearend", "withdraw"): TOWNSHIP,
}


@pytest.mark.django_db
def test_pledge_buttons_and_services_agree_in_every_state(actors: dict[str, User]) -> None:
    """WF-6: for every state, actor and step, the page's `can` is what the service does, and both
    follow the rights above (a colleague, the auditor and any step from 已评议 / 已撤回 refused)."""
    me = actors["self"]
    assert me.cadre is not None
    taken: dict[tuple[str, str], set[str]] = {}
    for state in Pledge.State.values:
        pledge = PledgeFactory.create(person=me.cadre, state=state)
        for who, actor in actors.items():
            for step, take in PLEDGE_STEPS.items():
                pledge.refresh_from_db()
                done = _succeeds(partial(take, actor, pledge.pk))
                assert done == flows.PLEDGE_FLOW.can(actor, pledge, step), (state, who, step)
                if done:
                    taken.setdefault((state, step), set()).add(who)
        pledge.delete()
    assert taken == PLEDGE_RIGHTS


@pytest.mark.django_db
def test_target_steps_agree_and_are_audited(actors: dict[str, User]) -> None:
    """R-ASMT-06: draft → reviewed → publicised → filed → assessed, each by the township, each audited."""
    officer, me = actors["township"], actors["self"]
    plan = TargetPlanFactory.create(person=me.cadre)
    for step, state in (("review", "reviewed"), ("publicise", "publicised"), ("file", "filed")):
        assert not flows.TARGET_FLOW.can(me, plan, step)  # the secretary drafts, the township decides
        assert flows.TARGET_FLOW.can(officer, plan, step)
        plan = services.target_plan_step(actor=officer, plan_id=plan.pk, step=step)
        assert plan.state == state
    assert [t.name for t in flows.TARGET_FLOW.available(officer, plan)] == ["assess"]
    plan = services.target_plan_step(actor=officer, plan_id=plan.pk, step="assess", result_score=D(95))
    assert (plan.state, plan.result_score) == (TargetPlan.State.ASSESSED, D("95"))
    events = AuditEvent.objects.filter(object_type="assessment.targetplan", object_id=str(plan.pk))
    codes = list(events.order_by("id").values_list("action", flat=True))
    assert codes == [f"assessment.target.{s}" for s in ("review", "publicise", "file", "assess")]
    assert label_of("assessment.target.file") == "乡镇党委备案"


@pytest.mark.django_db
def test_period_flow_publicise_reopen_finalize(personas: dict[str, User]) -> None:
    """WF-5: 公示 sets the appeal deadline `appeal_days` (5) from today; an appeal reopens scoring;
    定稿 only from 公示; each step audited as its own code; a township officer sees no button."""
    county, officer = personas["county_a_admin"], personas["township_a1"]
    period = PeriodFactory.create()
    assert [t.name for t in flows.PERIOD_FLOW.available(county, period)] == ["publicise"]
    assert flows.PERIOD_FLOW.available(officer, period) == []
    _waiting(COUNTY_A, appeal_days=5)
    period = services.period_step(actor=county, period_id=period.pk, step="publicise")
    assert period.appeal_until == timezone.localdate() + dt.timedelta(days=5)
    assert [t.name for t in flows.PERIOD_FLOW.available(county, period)] == ["finalize", "reopen"]
    period = services.period_advance(actor=county, period_id=period.pk, to="open")
    assert period.state == Period.State.OPEN
    assert not _succeeds(lambda: services.period_advance(actor=county, period_id=period.pk, to="final"))
    services.period_step(actor=county, period_id=period.pk, step="publicise")
    with pytest.raises(Conflict, match="申诉期未满"):  # WF-5: not before the appeal deadline
        services.period_step(actor=county, period_id=period.pk, step="finalize")
    Period.objects.filter(pk=period.pk).update(appeal_until=timezone.localdate())
    services.period_step(actor=county, period_id=period.pk, step="finalize")
    events = AuditEvent.objects.filter(object_type="assessment.period", object_id=str(period.pk))
    codes = list(events.order_by("id").values_list("action", flat=True))
    assert codes == [f"assessment.period.{s}" for s in ("publicise", "reopen", "publicise", "finalize")]
    assert Period.objects.get(pk=period.pk).state == Period.State.FINAL


@pytest.mark.django_db
def test_finalizing_twice_changes_nothing_and_other_roles_are_refused(personas: dict[str, User]) -> None:
    """WF-5: finalize is idempotent for the township; a role without scoring rights gets 403 either way."""
    officer, auditor = personas["township_a1"], personas["auditor"]
    ev = QuarterlyEvaluationFactory.create()
    annual = AnnualAssessmentFactory.create()
    assert flows.QUARTERLY_FLOW.can(officer, ev, "finalize") and not flows.QUARTERLY_FLOW.can(auditor, ev, "finalize")
    assert not _succeeds(lambda: services.quarterly_finalize(actor=auditor, evaluation_id=ev.pk))
    services.quarterly_finalize(actor=officer, evaluation_id=ev.pk)
    services.quarterly_finalize(actor=officer, evaluation_id=ev.pk)
    services.annual_finalize(actor=officer, annual_id=annual.pk)
    services.annual_finalize(actor=officer, annual_id=annual.pk)
    assert AuditEvent.objects.filter(action="assessment.quarterly.finalize").count() == 1
    assert AuditEvent.objects.filter(action="assessment.annual.finalize").count() == 1
    assert not _succeeds(lambda: services.annual_finalize(actor=auditor, annual_id=annual.pk))


@pytest.mark.django_db
def test_a_cadre_reaches_only_their_own_records(personas: dict[str, User], cadre_user: Callable[..., User]) -> None:
    """`access_*` fail closed for a cadre: a colleague's pledge is NotFound, whatever the step."""
    me, colleague = cadre_user(posts=("PS",)), cadre_user(posts=("VD",))
    theirs = PledgeFactory.create(person=colleague.cadre)
    assert not _succeeds(lambda: services.pledge_advance(actor=me, pledge_id=theirs.pk, to="vetting"))
    assert services.pledge_advance(actor=colleague, pledge_id=theirs.pk, to="vetting").state == "vetting"
    liaison = user_create(
        actor=personas["national"],
        username="liaison_flow",
        password="Persona#2026",
        role=Role.LIAISON,
        region_code=VILLAGE_A1,
    )
    theirs.refresh_from_db()
    assert flows.PLEDGE_FLOW.can(liaison, theirs, "publicise")  # a liaison assesses their village too
    assert not flows.PLEDGE_FLOW.can(me, theirs, "publicise")


def test_every_step_has_a_code_and_a_chinese_name() -> None:
    """Audit codes: a step is `assessment.<flow>.<step>`, never also an AssessmentAction member; each has a name."""
    steps = {f.action(t.name) for f in flows_of_assessment() for t in f.transitions}
    assert "assessment.pledge.return" in steps  # the cadre's page reads the return note by this code
    assert not steps & {a.value for a in AssessmentAction}
    for code in steps | {a.value for a in AssessmentAction}:
        assert label_of(code) != code and re.search(r"[\u4e00-\u9fff]", label_of(code)), code


def flows_of_assessment() -> list[Any]:
    return [flows.PERIOD_FLOW, flows.QUARTERLY_FLOW, flows.ANNUAL_FLOW, flows.PLEDGE_FLOW, flows.TARGET_FLOW]


def test_no_free_text_action_strings() -> None:
    """Every audit code the app writes is an AssessmentAction member or a flow step: no string
    literal "assessment.…" outside actions.py and flows.py (the capability `assessment.score` aside)."""
    found = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in ("actions.py", "flows.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if re.fullmatch(r"assessment\.[a-z_]+\.[a-z_]+", text):
                found.append((path.name, text))
    assert found == []


def test_templates_take_state_colours_from_one_place() -> None:
    """Status colours come from `assessment.status` (state_tag / tone): no template picks a badge
    colour by comparing a state, as the pages did before."""
    pattern = re.compile(
        r"\{%\s*(el)?if [^%]*(state|status|grade|outcome|tone)[^%]*%\}\s*<span class=\"badge text-bg-[a-z]"
    )
    templates = APP.parents[0] / "templates" / "assessment"
    offenders = [p.name for p in templates.glob("*.html") if pattern.search(p.read_text())]
    assert offenders == []
    assert "state_tag" in (templates / "quarterly.html").read_text()


@pytest.mark.django_db
def test_cadre_factory_traits(personas: dict[str, User]) -> None:
    secretary = CadreFactory.create(secretary=True, professionalized=2)
    posts = list(secretary.posts.values_list("post", "full_time", "professionalized", "tier"))
    assert posts == [("PS", True, True, 2)]
    assert (
        PeriodFactory.create(final=True).state == "final"
        and PeriodFactory.create(number=2, publicised=True).appeal_until
    )


@pytest.mark.django_db
def test_the_facts_issue_16s_guards_will_read(personas: dict[str, User]) -> None:
    """What the services pass to the flows' guards (flows.py): a quarter period's unscored cadres,
    an evaluation's period, a township's annual round and its 优秀 quota."""
    from touyan.assessment import selectors

    scored, unscored = CadreFactory.create(secretary=True), CadreFactory.create(director=True)
    ev = QuarterlyEvaluationFactory.create(person=scored)
    period = PeriodFactory.create()
    assert selectors.period_facts(period)["unscored"] == 1 and unscored.pk
    assert selectors.quarterly_facts(ev)["period"] == period
    annual = AnnualAssessmentFactory.create(grade="excellent", total=D(95))
    AnnualAssessmentFactory.create(person=CadreFactory.create(village="522301001002", posts=("VDD",)))
    facts = selectors.annual_facts(annual)  # the round once this one is final: the final ones and this one
    assert facts["round"]["excellent"] == 1 and sum(facts["round"].values()) == 1 and facts["round_size"] == 2
    assert facts["excellent_max_share"] == D("0.20")


def _waiting(region: str, **params: Any) -> None:
    """A region's own appeal window (this directory's tests otherwise have none)."""
    PolicyDocument.objects.create(region_id=region, effective_from=dt.date(2000, 1, 1), params=params)


@pytest.mark.django_db
def test_quarterly_finalize_waits_for_the_appeal_window(personas: dict[str, User], api_client: Any) -> None:
    """A7 / WF-5: a score entered (and publicised) today with `appeal_days = 5` is final from
    today + 5: finalize → 409 before; a county that sets `appeal_days = 0` finalizes at once (200)."""
    officer = api_client(personas["township_a1"])
    cadre = CadreFactory.create(secretary=True)
    _waiting(COUNTY_A, appeal_days=5)
    r = officer.post(
        "/api/v1/assessments/quarterly",
        {"cadre": cadre.pk, "year": 2026, "quarter": 4, "score": "92"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["grade"] == "excellent"
    ev = r.json()["id"]
    r = officer.post(f"/api/v1/assessments/quarterly/{ev}/finalize", {}, content_type="application/json")
    ends = timezone.localdate() + dt.timedelta(days=5)
    assert r.status_code == 409 and ends.isoformat() in r.content.decode()
    assert QuarterlyEvaluation.objects.get(pk=ev).status == "draft"
    _waiting(COUNTY_A, appeal_days=0)  # a newer document of the county
    r = officer.post(f"/api/v1/assessments/quarterly/{ev}/finalize", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "final"


def test_appeal_window_rules() -> None:
    """WF-5: published 2026-04-01 with 5 days → final from 2026-04-06; 0 days → the same day."""
    from touyan.assessment import rules

    ends = rules.appeal_ends(dt.date(2026, 4, 1), 5)
    assert ends == dt.date(2026, 4, 6)
    assert rules.in_appeal_window(ends, dt.date(2026, 4, 5)) and not rules.in_appeal_window(ends, dt.date(2026, 4, 6))
    assert not rules.in_appeal_window(rules.appeal_ends(dt.date(2026, 4, 1), 0), dt.date(2026, 4, 1))
    assert not rules.in_appeal_window(None, dt.date(2026, 4, 1))


@pytest.mark.django_db
def test_publishing_a_quarter_needs_every_cadre_scored_or_an_exception(personas: dict[str, User]) -> None:
    """WF-5: of two in-post cadres one is scored → 公示 refused (409, "尚有 1 名"); the county lists the
    other as an exception with a reason (audited) → 公示 goes through."""
    county = personas["county_a_admin"]
    scored, unscored = CadreFactory.create(secretary=True), CadreFactory.create(director=True)
    from touyan.cadres.models import Post

    Post.objects.filter(person__in=[scored, unscored]).update(full_time=True)
    QuarterlyEvaluationFactory.create(person=scored)
    period = PeriodFactory.create()
    assert not _succeeds(lambda: services.period_step(actor=county, period_id=period.pk, step="publicise"))
    with pytest.raises(Conflict, match="尚有 1 名"):
        services.period_step(actor=county, period_id=period.pk, step="publicise")
    with pytest.raises(InvalidInput):
        services.period_exempt(actor=county, period_id=period.pk, cadre_id=unscored.pk, reason=" ")
    services.period_exempt(actor=county, period_id=period.pk, cadre_id=unscored.pk, reason="整季度病休")
    event = AuditEvent.objects.get(action="assessment.period.exempt")
    assert event.reason == "整季度病休" and label_of(event.action) == "列为考核例外"
    period = services.period_step(actor=county, period_id=period.pk, step="publicise")
    assert period.state == Period.State.PUBLICISED


@pytest.mark.django_db
def test_annual_excellent_quota_needs_a_county_exception(personas: dict[str, User]) -> None:
    """R-ASMT-03: a township's annual round of 5 with `excellent_max_share = 0.20`: the first 优秀
    (1 of 5, 20 %) is final; the second (2 of 5, 40 %) is refused for the township (409) and for
    the county without a reason; the county finalizes it as an exception with a reason, audited;
    a 称职 grade is never held up."""
    officer, county = personas["township_a1"], personas["county_a_admin"]
    villages = ["522301001001", "522301001002"]
    people = [CadreFactory.create(village=villages[i % 2], posts=("VDD",)) for i in range(5)]
    first, second = (AnnualAssessmentFactory.create(person=p, total=D(95)) for p in people[:2])
    others = [AnnualAssessmentFactory.create(person=p, total=D(80)) for p in people[2:]]
    assert first.grade == second.grade == "excellent" and others[0].grade == "competent"
    assert services.annual_finalize(actor=officer, annual_id=first.pk).status == "final"
    with pytest.raises(Conflict, match="20%"):
        services.annual_finalize(actor=officer, annual_id=second.pk)
    with pytest.raises(Conflict):
        services.annual_finalize(actor=county, annual_id=second.pk)
    with pytest.raises(Forbidden):  # the township cannot grant itself the exception
        services.annual_finalize(actor=officer, annual_id=second.pk, reason="成绩突出")
    assert AnnualAssessment.objects.get(pk=second.pk).status == "computed"
    done = services.annual_finalize(actor=county, annual_id=second.pk, reason="抗洪抢险表现突出,经县委组织部研究同意")
    assert done.status == "final"
    event = AuditEvent.objects.get(action="assessment.annual.finalize_exception")
    assert event.reason.startswith("抗洪抢险") and label_of(event.action) == "超比例例外定稿"
    assert services.annual_finalize(actor=officer, annual_id=others[0].pk).status == "final"
