"""The audit trail: one AuditEvent per action, written inside the service's
own transaction. Nobody edits or deletes an event through the application."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Result(models.TextChoices):
    OK = "ok", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # an actor with events is deactivated, never deleted
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    region_code = models.CharField(_("区域"), max_length=12, blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    result = models.CharField(_("结果"), max_length=10, choices=Result.choices, default=Result.OK)
    reason = models.CharField(_("事由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        # action and region_code are filtered by equality and by prefix (LIKE 'attendance.%',
        # LIKE '5223%'): one pattern-ops index each serves both on PostgreSQL, where db_index=True
        # would build two (every write in the system adds a row here).
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["action"], name="audit_action", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["region_code"], name="audit_region", opclasses=["varchar_pattern_ops"]),
        ]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit events are append-only")
