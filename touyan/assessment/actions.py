"""Assessment audit actions that are not workflow steps (the steps are `flows.py`'s,
`assessment.<flow>.<transition>`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class AssessmentAction(AuditAction):
    PERIOD_OPEN = "assessment.period.open", _("开启考核期")
    PERIOD_EXEMPT = "assessment.period.exempt", _("列为考核例外")
    QUARTERLY_SCORE = "assessment.quarterly.score", _("季度评价打分")
    QUARTERLY_CORRECT = "assessment.quarterly.correct", _("更正季度评价")
    ANNUAL_COMPUTE = "assessment.annual.compute", _("计算年度考核")
    COMPETENCY_RECORD = "assessment.competency.record", _("胜任度测评")
    CONSEQUENCE_DONE = "assessment.consequence.done", _("考核后续事项办结")
    PLEDGE_SAVE = "assessment.pledge.save", _("保存承诺")
    TARGET_SAVE = "assessment.target.save", _("保存年度目标")
    PIONEER_RECORD = "assessment.pioneer.record", _("记录先锋指数")
    STAR_RATE = "assessment.star.rate", _("星级评定")
    # Codes of steps written before the flows (one code for every step); old events keep a name.
    PERIOD_ADVANCE = "assessment.period.advance", _("考核期状态变更")
    PLEDGE_ADVANCE = "assessment.pledge.advance", _("承诺状态变更")
    TARGET_ADVANCE = "assessment.target.advance", _("年度目标状态变更")
