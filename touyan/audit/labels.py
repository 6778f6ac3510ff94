"""Chinese names of the audit codes written by apps that have no `actions.py` of their own
(sign-in, accounts, cadres, attendance, policy, regions, operations), so that the audit log never
shows a bare code. An app that declares its own enum later takes its codes over (the enum's
label wins in `actions.labels()`, the first declaration of a code counts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .actions import AuditAction


class CommonAction(AuditAction):
    LOGIN = "auth.login", _("登录")
    LOGOUT = "auth.logout", _("退出登录")
    LOCKOUT = "auth.lockout", _("账号锁定")
    UNLOCK = "auth.unlock", _("解除锁定")
    PASSWORD_CHANGE = "auth.password.change", _("修改密码")
    PASSWORD_RESET = "auth.password.reset", _("重置密码")
    TWOFACTOR_ENROL = "auth.2fa.enrol", _("启用双重验证")
    TWOFACTOR_RESET = "auth.2fa.reset", _("重置双重验证")
    TOKEN_ISSUE = "auth.token.issue", _("签发接口令牌")
    TOKEN_REVOKE = "auth.token.revoke", _("吊销接口令牌")
    USER_CREATE = "accounts.user.create", _("创建用户")
    USER_ROLE = "accounts.user.role", _("变更用户角色")
    USER_UPDATE = "accounts.user.update", _("修改用户")
    USER_DISABLE = "accounts.user.disable", _("停用用户")
    USER_ENABLE = "accounts.user.enable", _("启用用户")
    CADRE_CREATE = "cadres.person.create", _("新建干部档案")
    CADRE_UPDATE = "cadres.person.update", _("修改干部档案")
    POST_ADD = "cadres.post.add", _("任职")
    POST_END = "cadres.post.end", _("离任")
    FILING = "cadres.filing.file", _("县级备案")
    FILING_RETURN = "cadres.filing.return", _("退回备案")
    ID_REVEAL = "cadres.id.reveal", _("查看完整身份证号")
    CADRES_EXPORT = "cadres.export", _("导出干部名册")
    CADRES_EXPORT_DOWNLOAD = "cadres.export.download", _("下载干部名册")
    CADRES_IMPORT = "cadres.import", _("导入干部名册")
    CADRES_IMPORT_DOWNLOAD = "cadres.import.download", _("下载导入错误报告")
    PRESENCE = "attendance.presence", _("签到")
    PRESENCE_CORRECT = "attendance.presence.correct", _("更正在岗记录")
    ATT_IMPORT = "attendance.import", _("导入在岗记录")
    ATT_IMPORT_TEMPLATE = "attendance.import.template", _("下载在岗记录模板")
    DUTY_SET = "attendance.duty.set", _("排班")
    DUTY_COPY = "attendance.duty.copy", _("复制上月排班")
    LEAVE_SUBMIT = "attendance.leave.submit", _("请假申请")
    LEAVE_APPROVE = "attendance.leave.approve", _("请假审批同意")
    LEAVE_REJECT = "attendance.leave.reject", _("请假审批驳回")
    LEAVE_RETURN = "attendance.leave.return", _("销假")
    BLOCKED = "attendance.blocked.declare", _("宣布暂停请假期")
    MONTH_LOCK = "attendance.month.lock", _("锁定月度考勤")
    MONTHLY_EXPORT = "attendance.monthly.export", _("导出月度考勤")
    CALENDAR_SET = "attendance.calendar.set", _("设置工作日历")
    FENCE_SET = "attendance.fence.set", _("设置签到范围")
    FENCE_CLEAR = "attendance.fence.clear", _("取消签到范围")
    POLICY_PUT = "policy.put", _("保存政策参数")
    REGION_STAT = "regions.stat.put", _("录入区域统计数据")
    RETENTION = "ops.retention.purge", _("按保存期限清理数据")
    AUDIT_EXPORT = "audit.export", _("导出审计日志")
