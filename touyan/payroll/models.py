"""Pay runs, payslips and their lines, and adjustments carried into a run (WF-8, SPEC A6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class PayRun(models.Model):
    """WF-8: open → calculated → village_notice → township_approved → county_finance_approved
    → disbursed → closed. A closed run is immutable; corrections go into the next run."""

    class State(models.TextChoices):
        OPEN = "open", _("待计算")
        CALCULATED = "calculated", _("已计算")
        NOTICE = "village_notice", _("村内公示")
        TOWNSHIP = "township_approved", _("乡镇已审批")
        FINANCE = "county_finance_approved", _("县财政已审批")
        DISBURSED = "disbursed", _("已发放")
        CLOSED = "closed", _("已关闭")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # first day of the month
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.OPEN)
    total = models.DecimalField(_("合计"), max_digits=16, decimal_places=2, default=0)
    payslip_count = models.PositiveIntegerField(_("人数"), default=0)
    policy_documents = models.JSONField(default=list)
    calculated_at = models.DateTimeField(null=True, blank=True)
    calculated_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="payrun_once")]
        ordering = ["-month", "region_id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class PayrunStep(models.Model):
    """Who moved a run to which state, when (WF-8)."""

    run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(max_length=24)
    actor = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.run_id} {self.state}"


class Payslip(models.Model):
    run = models.ForeignKey(PayRun, on_delete=models.CASCADE, related_name="payslips")
    person = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="payslips")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("实发合计"), max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="payslip_once")]
        indexes = [models.Index(fields=["person", "run"])]

    def __str__(self) -> str:
        return f"{self.run_id} {self.person_id}"


class PayLine(models.Model):
    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    component = models.CharField(_("项目"), max_length=20)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    basis = models.JSONField(_("计算依据"), default=dict)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.payslip_id} {self.component} {self.amount}"


class Adjustment(models.Model):
    """A correction or an approved one-off payment carried into the next run as a line
    (R-PAY-08/09/11; WF-8: corrections go into the next run)."""

    class Kind(models.TextChoices):
        CORRECTION = "adjustment", _("更正")
        REWARD = "reward", _("集体经济发展奖励")
        HONOUR = "honour", _("表彰奖励")
        CONDOLENCE = "condolence", _("慰问金")

    person = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="pay_adjustments")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("事由"), max_length=300)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    run = models.ForeignKey(PayRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="adjustments")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.amount}"
