"""Audit actions of cadre development."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class TrainingAction(AuditAction):
    EVENT_CREATE = "training.event.create", _("新建培训")
    ATTENDEE_ADD = "training.attendee.add", _("登记参训")
    ATTENDEE_RESULT = "training.attendee.result", _("登记培训成绩")
    FEEDBACK = "training.attendee.feedback", _("提交学习体会")
    FOLLOW_UP = "training.follow_up.create", _("约谈与补学")
    CERTIFICATE_CREATE = "training.certificate.create", _("登记证书")
    CERTIFICATE_REVOKE = "training.certificate.revoke", _("注销证书")
    SECONDMENT_CREATE = "training.secondment.create", _("登记挂职")
    SECONDMENT_LOG = "training.secondment.log", _("挂职工作日志")
    SECONDMENT_APPRAISE = "training.secondment.appraise", _("接收单位鉴定")
    RESERVE_CREATE = "training.reserve.create", _("纳入后备干部")
    RESERVE_END = "training.reserve.end", _("退出后备干部")
    MENTORSHIP_CREATE = "training.mentorship.create", _("建立1+1+N导师帮带")
    MENTORSHIP_RECORD = "training.mentorship.record", _("导师帮带记录")
    PROGRAMME_CREATE = "training.programme.create", _("新建学历提升项目")
    ENROLMENT_CREATE = "training.enrolment.create", _("学历提升报名")
    ENROLMENT_PROGRESS = "training.enrolment.progress", _("登记学习进度")
    ENROLMENT_GRADUATE = "training.enrolment.graduate", _("学历提升毕业")
