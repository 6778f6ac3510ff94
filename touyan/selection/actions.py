"""Audit actions of selection and exit (the workflow steps are named by their flows)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class SelectionAction(AuditAction):
    CASE_CREATE = "selection.case.create", _("提名选用人选")
    REVIEW_ANSWER = "selection.review.answer", _("联审部门反馈意见")
    ROUND_SUBMIT = "selection.case.submit_round", _("整批提交联审")
    RECORD_ADD = "selection.record.add", _("登记纪律处分或组织处理")
    EXIT_CREATE = "selection.exit.create", _("提出离任")
    EXIT_HANDOVER_ITEMS = "selection.exit.handover_items", _("登记工作移交事项")
    LIST_PROPOSE = "selection.list.propose", _("上报专业化书记名单")
    CAREER_RECORD = "selection.career.record", _("登记晋升通道")
    LIST_APPROVE = "selection.list.approve", _("审核备案专业化书记名单")
