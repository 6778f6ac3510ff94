"""Payroll's audit actions that are not workflow steps (the steps' codes are
`<flow prefix>.<transition>`, declared in flows.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class PayrollAction(AuditAction):
    RUN_OPEN = "payroll.run.open", _("开设工资批次")
    # Written by runs calculated before the pay run moved onto the declared flow (flows.PAYRUN):
    # one code for every approval step; named here so that the audit log still reads them.
    RUN_ADVANCE = "payroll.run.advance", _("工资批次审批步骤")
    ADJUSTMENT_ADD = "payroll.adjustment.add", _("登记更正或一次性发放")
    BANK_ACCOUNT_SET = "payroll.bank_account.set", _("设置一卡通账号")
    INSURANCE_SET = "payroll.insurance.set", _("登记参保情况")
    REWARD_PROPOSE = "payroll.reward.propose", _("申报集体经济发展奖励")
    HONOUR_AWARD = "payroll.honour.award", _("登记表彰奖励")
    CONDOLENCE_GRANT = "payroll.condolence.grant", _("登记慰问金")
    DEPARTURE_APPLY = "payroll.departure.apply", _("受理离任生活补贴申请")
    DEPARTURE_ADVANCE = "payroll.departure.advance", _("离任生活补贴审核步骤")  # before flows.DEPARTURE
    SUMMARY_DOWNLOAD = "payroll.summary.download", _("下载工资汇总表")
    PAYOUT_DOWNLOAD = "payroll.payout.download", _("下载一卡通发放文件")
