"""Assessment: periods, quarterly evaluations, annual assessments with ballot tallies,
competency evaluations, consequences, pledges, target plans, pioneer points and
star ratings (R-ASMT-01…09, R-PTY-01…03, WF-5…7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from touyan.core.scoped import FailClosedQuerySet

USER = settings.AUTH_USER_MODEL


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basically_competent", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Period(models.Model):
    """WF-5: a county opens a period for its townships; it moves open → scoring →
    publicised → appeal → final."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("季度评价")
        HALF = "half", _("半年胜任度评价")
        YEAR = "year", _("年度考核")

    class State(models.TextChoices):
        OPEN = "open", _("评分中")
        PUBLICISED = "publicised", _("公示中")
        FINAL = "final", _("已定稿")

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期次"), default=0)  # quarter 1–4, half 1–2, 0 for a year
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    appeal_until = models.DateField(_("申诉截止"), null=True, blank=True)
    opened_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "kind", "year", "number"], name="period_once")]
        ordering = ["-year", "-number"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.kind} {self.year}-{self.number}"


class PeriodExemption(models.Model):
    """WF-5: an in-post cadre a quarter is published without (on leave for the whole quarter,
    newly elected…): listed by the county with a reason, so publication is not held up."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="exemptions")
    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("例外理由"), max_length=300)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="period_exemption_once")]
        verbose_name = _("考核例外")
        verbose_name_plural = _("考核例外")

    def __str__(self) -> str:
        return f"{self.period_id} {self.person_id}"


class QuarterlyEvaluation(models.Model):
    """A quarter's score and grade for one cadre. Final evaluations are never changed in
    place: a correction is a new version with a reason (R-ASMT-01, WF-5)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        FINAL = "final", _("已定稿")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="quarterly_evaluations")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    indicators = models.JSONField(_("指标得分"), default=dict, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    reason = models.CharField(_("更正事由"), max_length=300, blank=True)
    policy_documents = models.JSONField(default=list)
    scored_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finalized_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finalized_at = models.DateTimeField(null=True, blank=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "year", "quarter", "version"], name="quarterly_version_once"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_1_to_4"),
            models.CheckConstraint(condition=models.Q(score__gte=0, score__lte=120), name="quarterly_score_range"),
        ]
        indexes = [models.Index(fields=["village", "year", "quarter"])]
        ordering = ["person_id", "year", "quarter", "-version"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}Q{self.quarter} v{self.version}"


class AnnualAssessment(models.Model):
    """R-ASMT-02: work score × w_work + democratic score × w_demo ± bonus/penalty."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("已计算")
        FINAL = "final", _("已定稿")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="annual_assessments")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    work_score = models.DecimalField(_("工作实绩"), max_digits=6, decimal_places=2)
    target_adjustment = models.DecimalField(_("年终目标核查调整"), max_digits=6, decimal_places=2, default=0)
    demo_score = models.DecimalField(_("民主测评"), max_digits=6, decimal_places=2)
    satisfaction = models.DecimalField(_("满意率"), max_digits=5, decimal_places=4)
    bonus = models.DecimalField(_("加分"), max_digits=5, decimal_places=2, default=0)
    penalty = models.DecimalField(_("扣分"), max_digits=5, decimal_places=2, default=0)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.COMPUTED)
    policy_documents = models.JSONField(default=list)
    computed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField(auto_now=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="annual_once")]
        indexes = [models.Index(fields=["village", "year"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class BallotTally(models.Model):
    """Counts of a democratic ballot per rater group — tallies only, never ballots (R-ASMT-04)."""

    class Group(models.TextChoices):
        MEMBERS = "party_members", _("党员")
        REPRESENTATIVES = "representatives", _("村民代表")
        TOWNSHIP = "township_staff", _("乡镇干部")

    annual = models.ForeignKey(AnnualAssessment, on_delete=models.CASCADE, related_name="tallies")
    group = models.CharField(_("测评群体"), max_length=20, choices=Group.choices)
    excellent = models.PositiveIntegerField(_("优秀"), default=0)
    competent = models.PositiveIntegerField(_("称职"), default=0)
    basic = models.PositiveIntegerField(_("基本称职"), default=0)
    incompetent = models.PositiveIntegerField(_("不称职"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["annual", "group"], name="tally_once")]

    def __str__(self) -> str:
        return f"{self.annual_id} {self.group}"


class CompetencyEvaluation(models.Model):
    """WF-7 / R-ASMT-07: a half-year competency ballot of a professionalized cadre."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="competency_evaluations")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"))
    tallies = models.JSONField(_("票数"))  # {"party_members": [胜任, 基本胜任, 不胜任], "representatives": [...], ...}
    rate = models.DecimalField(_("胜任率"), max_digits=5, decimal_places=4)
    outcome = models.CharField(_("结果"), max_length=10)  # ok | admonish | exit
    policy_documents = models.JSONField(default=list)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year", "half"], name="competency_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}H{self.half}"


class Consequence(models.Model):
    """R-ASMT-05/07: what an assessment leads to, recorded as a task to carry out."""

    class Kind(models.TextChoices):
        ADMONITION = "admonition_talk", _("约谈(诫勉谈话)")
        SELF_CRITICISM = "self_criticism", _("公开检讨")
        CRITICISM_NOTICE = "criticism_notice", _("通报批评")
        BONUS_WITHHELD = "bonus_withheld", _("扣减或暂停发放绩效报酬")
        PRAISE = "praise", _("表扬并优先推荐提拔、考录")
        EXIT_REVIEW = "exit_review", _("连续两年不称职:启动退出程序")
        LEAVE_PROFESSIONAL = "leave_professional", _("退出职业化管理")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="consequences")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("事项"), max_length=24, choices=Kind.choices)
    source = models.CharField(_("依据"), max_length=64)  # e.g. "annual:2026", "competency:2026H1"
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "source"], name="consequence_once")]
        ordering = ["done_at", "-created_at"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.source}"


class Pledge(models.Model):
    """WF-6 一诺双评 (R-ASMT-08): pledge → vetting → publicised → mid-year → year-end → dual review."""

    class State(models.TextChoices):
        DRAFTING = "drafting", _("起草")
        VETTING = "vetting", _("乡镇审核")
        PUBLICISED = "publicised", _("已公示")
        MIDYEAR = "midyear", _("年中已报告")
        YEAREND = "yearend", _("年终已述诺")
        SCORED = "scored", _("已评议")
        WITHDRAWN = "withdrawn", _("已撤回")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="pledges")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    items = models.JSONField(_("承诺事项"), default=list)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFTING)
    midyear_report = models.TextField(_("年中报告"), blank=True)
    yearend_report = models.TextField(_("年终述诺"), blank=True)
    democratic_score = models.DecimalField(_("群众评议"), max_digits=5, decimal_places=2, null=True, blank=True)
    organisational_score = models.DecimalField(_("组织评议"), max_digits=5, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("评议得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    withdrawal_reason = models.CharField(_("撤回说明"), max_length=300, blank=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="pledge_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class TargetPlan(models.Model):
    """R-ASMT-06: a professionalized secretary's annual goals: drafted → reviewed → publicised → filed."""

    class State(models.TextChoices):
        DRAFT = "draft", _("起草")
        REVIEWED = "reviewed", _("乡镇已审核")
        PUBLICISED = "publicised", _("已公示")
        FILED = "filed", _("已备案")
        ASSESSED = "assessed", _("已考核")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="target_plans")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    items = models.JSONField(_("目标"), default=list)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.DRAFT)
    result_score = models.DecimalField(_("年终核查"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="target_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


class PioneerEntry(models.Model):
    """R-PTY-01/02: one entry of a Party member's pioneer points, recorded by the branch."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="pioneer_entries")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    item = models.CharField(_("项目"), max_length=20)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    evidence = models.CharField(_("依据"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        indexes = [models.Index(fields=["person", "date"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.item}"


class StarRating(models.Model):
    """R-PTY-03: a village Party organisation's stars for a year."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="star_ratings")
    year = models.PositiveSmallIntegerField(_("年度"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    innovation = models.BooleanField(_("有创新项目"), default=False)
    stars = models.PositiveSmallIntegerField(_("星级"))
    rated_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="star_once")]

    def __str__(self) -> str:
        return f"{self.village_id} {self.year} {self.stars}★"
