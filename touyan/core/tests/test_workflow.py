"""The declared-flow helper (ENGINEERING habit 6): one place locks, checks, sets, saves and audits."""

from __future__ import annotations

from typing import Any

import pytest

from touyan.accounts.models import Role, User
from touyan.audit.actions import label_of
from touyan.audit.models import AuditEvent
from touyan.core.errors import Conflict, Forbidden, InvalidInput
from touyan.core.models import Job
from touyan.core.workflow import Flow, Transition, transition

S = Job.Status


def _officer(actor: Any, obj: Any) -> bool:
    return actor.role in (Role.TOWNSHIP_OFFICER, Role.ADMIN)


def _has_total(obj: Any, facts: Any) -> str | None:
    return None if facts.get("total", 0) > 0 else "没有可处理的记录"


FLOW = Flow(
    model=Job,
    action_prefix="test.job",
    state_field="status",
    transitions=(
        Transition("start", (S.QUEUED,), S.RUNNING, "开始", who=_officer, guards=(_has_total,)),
        Transition("finish", (S.RUNNING,), S.DONE, "完成", who=_officer, distinct_from=("start",)),
        Transition("fail", (S.QUEUED, S.RUNNING), S.FAILED, "失败", who=_officer, reason_required=True),
    ),
)


@pytest.fixture
def job(db: Any) -> Job:
    return Job.objects.create(kind="test")


def test_transition_sets_saves_and_audits_in_one_go(job: Job, personas: dict[str, User]) -> None:
    officer = personas["township_a1"]
    done = transition(FLOW, actor=officer, obj=job, name="start", facts={"total": 3}, set_fields={"total": 3})
    assert done.status == S.RUNNING == job.status
    job.refresh_from_db()
    assert (job.status, job.total) == (S.RUNNING, 3)
    event = AuditEvent.objects.get(action="test.job.start")
    assert event.changes == {"status": ["queued", "running"], "total": [0, 3]}
    assert event.actor_id == officer.pk
    assert label_of("test.job.start") == "开始"


def test_wrong_state_guard_and_role_are_refused_and_nothing_is_written(job: Job, personas: dict[str, User]) -> None:
    officer, auditor = personas["township_a1"], personas["auditor"]
    with pytest.raises(Conflict):  # not started yet
        transition(FLOW, actor=officer, obj=job, name="finish")
    with pytest.raises(Conflict, match="没有可处理的记录"):
        transition(FLOW, actor=officer, obj=job, name="start", facts={"total": 0})
    with pytest.raises(Forbidden):
        transition(FLOW, actor=auditor, obj=job, name="start", facts={"total": 1})
    with pytest.raises(InvalidInput):
        transition(FLOW, actor=officer, obj=job, name="explode")
    with pytest.raises(InvalidInput):  # a reason is required to fail a job
        transition(FLOW, actor=officer, obj=job, name="fail")
    job.refresh_from_db()
    assert job.status == S.QUEUED
    assert not AuditEvent.objects.filter(action__startswith="test.job").exists()


def test_can_answers_as_the_service_does(job: Job, personas: dict[str, User]) -> None:
    officer, auditor = personas["township_a1"], personas["auditor"]
    assert FLOW.can(officer, job, "start", {"total": 1})
    assert not FLOW.can(officer, job, "start", {"total": 0})
    assert not FLOW.can(auditor, job, "start", {"total": 1})
    assert not FLOW.can(officer, job, "finish")
    assert [t.name for t in FLOW.available(officer, job, {"total": 1})] == ["start", "fail"]


def test_one_user_cannot_take_two_consecutive_steps(job: Job, personas: dict[str, User]) -> None:
    officer, county = personas["township_a1"], personas["county_a_admin"]
    transition(FLOW, actor=officer, obj=job, name="start", facts={"total": 1})
    assert not FLOW.can(officer, job, "finish")
    with pytest.raises(Forbidden, match="同一人"):
        transition(FLOW, actor=officer, obj=job, name="finish")
    transition(FLOW, actor=county, obj=job, name="finish")
    assert job.status == S.DONE


def test_an_effect_failing_midway_rolls_back_the_step(job: Job, personas: dict[str, User]) -> None:
    def boom(locked: Job) -> list[str]:
        locked.message = "half"
        raise RuntimeError("fault")

    with pytest.raises(RuntimeError):
        transition(FLOW, actor=personas["township_a1"], obj=job, name="start", facts={"total": 1}, effect=boom)
    job.refresh_from_db()
    assert (job.status, job.message) == (S.QUEUED, "")
    assert not AuditEvent.objects.filter(action="test.job.start").exists()
