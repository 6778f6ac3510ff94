"""Pay runs, payslips and their lines, and adjustments carried into a run (WF-8, SPEC A6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from touyan.core.scoped import FailClosedQuerySet

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

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "person"], name="payslip_once")]
        indexes = [models.Index(fields=["person", "run"])]

    def __str__(self) -> str:
        return f"{self.run_id} {self.person_id}"


class PayLine(models.Model):
    payslip = models.ForeignKey(Payslip, on_delete=models.CASCADE, related_name="lines")
    component = models.CharField(_("项目"), max_length=40)  # a kind of line (lines.py), e.g. certificate_allowance
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

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.amount}"


class BankAccount(models.Model):
    """A cadre's 一卡通 account (R-DATA-01: sensitive): encrypted, shown masked; the full
    number appears only in the payout file county finance downloads (audited)."""

    person = models.OneToOneField("cadres.Person", on_delete=models.CASCADE, related_name="bank_account")

    class Kind(models.TextChoices):
        CARD = "card", _("银行卡")  # 16–19 digits with a Luhn check digit
        PASSBOOK = "passbook", _("存折")  # the marked exception: no check digit

    bank = models.CharField(_("开户行"), max_length=60)
    kind = models.CharField(_("账户类型"), max_length=10, choices=Kind.choices, default=Kind.CARD)
    account_enc = models.TextField(editable=False)
    account_masked = models.CharField(_("账号"), max_length=40, editable=False)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    def __str__(self) -> str:
        return f"{self.person_id} {self.account_masked}"


class Insurance(models.Model):
    """R-PAY-07 / S1: urban employee basic pension insurance bought by the county, health
    check and accident insurance — enrolment status per cadre and year."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="insurances")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    pension = models.BooleanField(_("城镇职工基本养老保险"), default=False)
    health_check = models.BooleanField(_("健康体检"), default=False)
    accident = models.BooleanField(_("意外伤害保险"), default=False)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="insurance_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class CollectiveReward(models.Model):
    """R-PAY-08: a share of the year-on-year increase of the collective's operating income,
    approved through the village decision procedure, then paid as one-off lines."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准")
        PAID = "paid", _("已列入发放")
        REJECTED = "rejected", _("已驳回")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    income = models.DecimalField(_("当年经营收益"), max_digits=14, decimal_places=2)
    previous_income = models.DecimalField(_("上年经营收益"), max_digits=14, decimal_places=2)
    pool = models.DecimalField(_("奖励总额"), max_digits=14, decimal_places=2)
    shares = models.JSONField(_("分配"), default=list)  # [{"cadre": id, "amount": "1000.00"}]
    decision_ref = models.CharField(_("四议两公开决议"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PROPOSED)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="reward_once")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year}"


class DepartureAllowance(models.Model):
    """R-PAY-10: the monthly living allowance of a former cadre, from application to stop."""

    class State(models.TextChoices):
        APPLIED = "applied", _("已申请")
        VILLAGE = "village_checked", _("村已审核")
        TOWNSHIP = "township_checked", _("乡镇已审核")
        NOTICE = "public_notice", _("公示中")
        APPROVED = "approved", _("县已批准")
        REJECTED = "rejected", _("不符合条件")
        STOPPED = "stopped", _("已停发")

    person = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="departure_allowances")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    strategy = models.CharField(_("计算方式"), max_length=24)
    basis = models.JSONField(_("任职年限依据"), default=dict)
    monthly_amount = models.DecimalField(_("月补贴"), max_digits=10, decimal_places=2, default=0)
    start_month = models.DateField(_("起发月份"), null=True, blank=True)
    stop_month = models.DateField(_("停发月份"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.APPLIED)
    # The day the public notice (公示) was posted: it lasts `publicity_days` (flows.publicity_over).
    notice_from = models.DateField(_("公示开始日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    def __str__(self) -> str:
        return f"{self.person_id} {self.state}"
