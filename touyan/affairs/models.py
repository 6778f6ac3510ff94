"""Village affairs (SPEC B4): 四议两公开 decisions and their steps (WF-3), spending with joint sign-off
(R-FIN-01/02), disclosure items (三务公开, R-OPEN-01…04) with villagers' objections, attachments,
and supervision records (S0 三级监督, S1 约谈).

A village's collective income per year is not kept here: it is `regions.RegionStat.collective_income`,
the same figure pay's weak-village list (R-PAY-12) and R-POS-03 read (see services/collective.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touyan.core.scoped import FailClosedQuerySet

USER = settings.AUTH_USER_MODEL


class Decision(models.Model):
    """A major matter taken through 四议两公开 (WF-3, R-DEC-01…03)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PROPOSED = "proposed", _("党组织已提议")
        CONSULTED = "consulted", _("两委已商议")
        DELIBERATED = "deliberated", _("党员大会已审议")
        RESOLVED = "resolved", _("已决议")
        RESOLUTION_PUBLISHED = "resolution_published", _("决议已公开")
        IMPLEMENTING = "implementing", _("实施中")
        RESULT_PUBLISHED = "result_published", _("结果已公开")
        CLOSED = "closed", _("已办结")
        REJECTED = "rejected", _("未通过")

    class Category(models.TextChoices):
        CHARTER = "charter", _("村民自治章程、村规民约")
        PLAN_BUDGET = "plan_budget", _("发展规划和年度预算")
        LAND_ASSETS = "land_assets", _("集体土地和资产的承包、租赁、流转")
        BORROWING = "borrowing", _("集体举债")
        PROJECT = "project", _("项目和公益事业(一事一议)")
        COMPENSATION = "compensation", _("补偿款分配")
        COLLECTIVE_REWARD = "collective_reward", _("集体经济收益分配及发展奖励")
        SPENDING = "spending", _("大额开支")
        OTHER = "other", _("其他事项")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    ref = models.CharField(_("编号"), max_length=20)
    title = models.CharField(_("事项"), max_length=120)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    amount = models.DecimalField(_("涉及金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.DRAFT)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)  # a revision after a rejection starts a new one
    merged_1_2 = models.BooleanField(_("提议与商议合并"), default=False)
    rejected_reason = models.CharField(_("未通过原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["village", "ref"], name="affairs_decision_ref_once")]
        indexes = [models.Index(fields=["village", "state"], name="affairs_decision_state")]
        verbose_name = _("四议两公开事项")
        verbose_name_plural = _("四议两公开事项")

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class DecisionStep(models.Model):
    """One step's meeting record (R-DEC-01/03): those due, present and voting, the supervision
    committee's presence and signature, the township's staff at steps 3–4."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="steps")
    round = models.PositiveSmallIntegerField(default=1)
    step = models.PositiveSmallIntegerField(_("步骤"))
    kind = models.CharField(_("会议类型"), max_length=20, blank=True)  # step 4: assembly | representatives
    meeting_date = models.DateField(_("日期"))
    due = models.PositiveIntegerField(_("应到"), default=0)
    present = models.PositiveIntegerField(_("实到"), default=0)
    yes = models.PositiveIntegerField(_("赞成"), default=0)
    no = models.PositiveIntegerField(_("反对"), default=0)
    households_due = models.PositiveIntegerField(_("应到户数"), null=True, blank=True)
    households_present = models.PositiveIntegerField(_("到会户数"), null=True, blank=True)
    supervisors_present = models.PositiveSmallIntegerField(_("监委会到场人数"), null=True, blank=True)
    township_present = models.BooleanField(_("乡镇派员参加"), default=False)
    sc_signed = models.BooleanField(_("监委会已签字"), default=True)
    sc_signed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sc_signed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("会议纪要"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision_id", "round", "step"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "round", "step"], name="affairs_step_once"),
            models.CheckConstraint(condition=Q(step__gte=1) & Q(step__lte=6), name="affairs_step_1_to_6"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} #{self.step}"


class Expenditure(models.Model):
    """A village spend and its joint sign-off (联审联签, R-FIN-01/02)."""

    class State(models.TextChoices):
        SIGNING = "signing", _("审签中")
        BOOKED = "booked", _("已审核入账")
        REFUSED = "refused", _("已拒签")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=200)
    payee = models.CharField(_("收款方"), max_length=100)
    is_works = models.BooleanField(_("工程项目"), default=False)
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expenditures",
        verbose_name=_("四议两公开事项"),
    )
    band = models.PositiveSmallIntegerField(_("审批档次"))
    signers = models.JSONField(_("签批顺序"), default=list)
    needs_decision = models.BooleanField(default=False)
    works_audit = models.BooleanField(_("须审计"), default=False)
    next_index = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SIGNING)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["village", "state"], name="affairs_spend_state")]
        verbose_name = _("村级支出")
        verbose_name_plural = _("村级支出")

    def __str__(self) -> str:
        return f"{self.village_id} {self.amount}"

    @property
    def next_role(self) -> str | None:
        if self.state != self.State.SIGNING or self.next_index >= len(self.signers):
            return None
        return str(self.signers[self.next_index])


class SignOff(models.Model):
    expenditure = models.ForeignKey(Expenditure, on_delete=models.CASCADE, related_name="signoffs")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20)
    signer = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    signer_name = models.CharField(max_length=50)
    approve = models.BooleanField()
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expenditure_id", "position"]
        constraints = [models.UniqueConstraint(fields=["expenditure", "position"], name="affairs_signoff_once")]

    def __str__(self) -> str:
        return f"{self.expenditure_id} {self.role}"


class DisclosureItem(models.Model):
    """One posted item of 三务公开 (R-OPEN-01…04): drafted, reviewed by the supervision committee,
    published; kept for good (past periods stay readable)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("监委会已审核")
        PUBLISHED = "published", _("已公开")

    class Category(models.TextChoices):
        PARTY = "party", _("党务公开")
        VILLAGE = "village", _("村务公开")
        FINANCE = "finance", _("财务公开")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    item_code = models.CharField(_("目录事项"), max_length=16)
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    period = models.CharField(_("期间"), max_length=10)
    period_start = models.DateField()
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    table = models.JSONField(_("表格"), null=True, blank=True)  # {"columns": [...], "rows": [[...], ...]}
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    source_key = models.CharField(max_length=40, blank=True)  # "decision:5:5", "payrun:12": made once
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    search = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "item_code", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "source_key"], condition=~Q(source_key=""), name="affairs_item_source_once"
            )
        ]
        indexes = [
            models.Index(fields=["village", "state", "-period_start"], name="affairs_item_public"),
            models.Index(fields=["village", "item_code", "period"], name="affairs_item_code"),
        ]
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")

    def __str__(self) -> str:
        return f"{self.village_id} {self.item_code} {self.period}"


class Attachment(models.Model):
    """A file of a step (minutes, the signed sheet), an item (shown on the public page once it is
    published) or a spend (the invoice)."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("会议记录")
        SIGNED_SHEET = "signed_sheet", _("签字表")
        INVOICE = "invoice", _("票据凭证")
        OTHER = "other", _("其他")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(DecisionStep, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    item = models.ForeignKey(DisclosureItem, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    expenditure = models.ForeignKey(Expenditure, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(upload_to="affairs/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=120)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(step__isnull=False, item__isnull=True, expenditure__isnull=True)
                    | Q(step__isnull=True, item__isnull=False, expenditure__isnull=True)
                    | Q(step__isnull=True, item__isnull=True, expenditure__isnull=False)
                ),
                name="affairs_attachment_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """A villager's objection to what the village disclosed (R-OPEN-03): no account needed, no
    personal data required; answered within `objection_reply_days`, the answer shown publicly."""

    class State(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        DisclosureItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="objections"
    )
    text = models.TextField(_("异议内容"))
    contact_enc = models.TextField(blank=True, editable=False)  # optional, encrypted; never shown publicly
    contact_masked = models.CharField(_("联系方式"), max_length=30, blank=True)
    filed_on = models.DateField()
    reply_due = models.DateField(_("答复期限"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    reply = models.TextField(_("答复"), blank=True)
    replied_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["state", "reply_due", "id"]
        indexes = [models.Index(fields=["village", "state", "reply_due"], name="affairs_objection_queue")]
        verbose_name = _("群众异议")
        verbose_name_plural = _("群众异议")

    def __str__(self) -> str:
        return f"{self.village_id} {self.pk}"


class SupervisionRecord(models.Model):
    """县乡村三级监督 (S0) and 主动约谈 (S1): admonition talks and supervision-committee reports,
    on the cadre's file and visible to the county."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("谈话提醒")
        ADMONITION = "admonition", _("约谈")
        SC_REPORT = "sc_report", _("监委会监督报告")
        FINDING = "finding", _("监督检查发现问题")

    class Level(models.TextChoices):
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡镇级")
        VILLAGE = "village", _("村级(监委会)")

    person = models.ForeignKey(
        "cadres.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_records",
        verbose_name=_("干部"),
    )
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    date = models.DateField(_("日期"))
    subject = models.CharField(_("事由"), max_length=200)
    findings = models.TextField(_("情况及发现问题"), blank=True)
    follow_up = models.TextField(_("整改要求及落实"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["person", "-date"], name="affairs_supervision_person"),
            models.Index(fields=["village", "-date"], name="affairs_supervision_village"),
        ]
        verbose_name = _("监督记录")
        verbose_name_plural = _("监督记录")

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"
