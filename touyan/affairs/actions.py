"""Audit actions of village affairs (the workflow steps are named by their flows)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class AffairsAction(AuditAction):
    DECISION_CREATE = "affairs.decision.create", _("新建四议两公开事项")
    STEP_SIGN = "affairs.decision.step_sign", _("监委会签字确认")
    ATTACHMENT_ADD = "affairs.attachment.add", _("上传附件")
    SPEND_CREATE = "affairs.spend.create", _("登记村级支出")
    SPEND_LINK = "affairs.spend.link", _("关联四议两公开事项")
    ITEM_CREATE = "affairs.item.create", _("起草公开事项")
    ITEM_UPDATE = "affairs.item.update", _("修改公开事项")
    PAY_NOTICE = "affairs.item.pay_notice", _("生成村干部报酬公示")
    OBJECTION_FILE = "affairs.objection.file", _("群众提出异议")
    INCOME_PUT = "affairs.collective.put", _("录入集体经济收入")
    INCOME_IMPORT = "affairs.collective.import", _("导入集体经济收入")
    SUPERVISION_CREATE = "affairs.supervision.create", _("登记监督记录")
