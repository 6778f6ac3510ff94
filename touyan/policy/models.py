"""Effective-dated policy documents, one series per region."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyDocument(models.Model):
    """The parameters one region overrides, in force from `effective_from`.

    A new version never edits an old one: for a region and a day, the document
    with the latest `effective_from` (then the highest id) not after that day
    is the one in force. `region` is empty for a national document.
    """

    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="policy_documents",
        verbose_name=_("区域"),
    )
    effective_from = models.DateField(_("生效日期"))
    params = models.JSONField(_("参数"), default=dict, encoder=DjangoJSONEncoder)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("创建人")
    )

    class Meta:
        ordering = ["region_id", "-effective_from", "-id"]
        indexes = [models.Index(fields=["region", "effective_from"])]
        verbose_name = _("政策参数文件")
        verbose_name_plural = _("政策参数文件")

    def __str__(self) -> str:
        return f"{self.region_id or '全国'} {self.effective_from} #{self.pk}"
