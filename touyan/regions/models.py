"""The region tree (national statistical division codes) and yearly statistics."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules

LEVEL_CHOICES = [
    (rules.PROVINCE, _("省")),
    (rules.PREFECTURE, _("市(州)")),
    (rules.COUNTY, _("县(市、区)")),
    (rules.TOWNSHIP, _("乡镇(街道)")),
    (rules.VILLAGE, _("村(社区)")),
]


class Region(models.Model):
    """One division: province, prefecture, county, township or village.

    The primary key is the 12-digit code; "everything under X" is
    `code__startswith=X.prefix`, served by the varchar_pattern_ops index
    PostgreSQL gets for a character primary key.
    """

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=LEVEL_CHOICES, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("上级")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: rules.PREFIX_LENGTH[self.level]]

    @property
    def is_community(self) -> bool:
        return "社区" in self.name or "居委会" in self.name


class RegionStat(models.Model):
    """Yearly statistics of a region used by pay and eligibility rules.

    rural_income_per_capita: rural per-capita disposable income (R-PAY-02);
    ref_new_staff_monthly: monthly pay of a new township public-institution
    employee (R-POS-04); collective_income: village collective income (R-POS-03).
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="stats")
    year = models.PositiveSmallIntegerField(_("年度"))
    rural_income_per_capita = models.DecimalField(
        _("农村居民人均可支配收入(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    ref_new_staff_monthly = models.DecimalField(
        _("乡镇事业单位新进人员月工资(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    collective_income = models.DecimalField(
        _("村集体经济收入(元)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["region_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="regionstat_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(rural_income_per_capita__isnull=True)
                | models.Q(rural_income_per_capita__gte=Decimal("0")),
                name="regionstat_income_nonnegative",
            ),
        ]
        verbose_name = _("区域年度统计")
        verbose_name_plural = _("区域年度统计")

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"
