"""Audit actions of oversight (统计分析)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from touyan.audit.actions import AuditAction


class DashboardsAction(AuditAction):
    REPORT_START = "dashboards.report.start", _("生成统计报表")
    REPORT_DOWNLOAD = "dashboards.report.download", _("下载统计报表")
