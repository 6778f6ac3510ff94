"""Selection and exit (选用机制, S0): the file's discipline and organisational-handling records,
selection cases with their joint review (WF-1, R-ELIG-01…05) and exits (WF-2, R-FIN-03).

Joint-review opinions are sensitive (R-DATA-01/04): a reviewer reads only their own
department's; the deciding township and the county read all of a case's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touyan.accounts.models import Department
from touyan.cadres.models import PostCode
from touyan.core.scoped import FailClosedQuerySet

USER = settings.AUTH_USER_MODEL


class RecordKind(models.TextChoices):
    """What a record on the file says (R-ELIG-02 hard bars, R-ELIG-03 soft bars, 组织处理)."""

    CRIMINAL = "criminal", _("受过刑事处罚")
    GANG = "gang", _("涉黑涉恶、村霸")
    CULT = "cult", _("参加邪教或非法组织")
    PARTY_SANCTION = "party_sanction", _("党纪处分")
    GOV_SANCTION = "gov_sanction", _("政务处分")
    ORGANISATIONAL = "organisational", _("组织处理")
    INCAPACITY = "incapacity", _("无民事行为能力")
    PLEDGE_REFUSED = "pledge_refused", _("拒签换届纪律承诺")
    INVESTIGATION = "investigation", _("正在接受纪检监察或司法机关调查")
    DETENTION = "detention", _("受过行政拘留(涉毒、涉黄、治安)")
    GAMBLING = "gambling", _("参与赌博、封建迷信受过处罚")
    PETITION = "petition", _("组织、煽动非正常上访")
    ELECTION_FRAUD = "election_fraud", _("贿选或破坏选举")
    ABSENT = "absent", _("长期不在村")
    ENCROACHMENT = "encroachment", _("侵占集体资产资源")
    DISHONEST = "dishonest", _("失信被执行人")


class RecordLevel(models.TextChoices):
    # 党纪处分 (heaviest last)
    WARNING = "warning", _("警告")
    SERIOUS_WARNING = "serious_warning", _("严重警告")
    REMOVAL = "removal", _("撤销党内职务")
    PROBATION = "probation", _("留党察看")
    EXPULSION = "expulsion", _("开除党籍")
    # 组织处理
    ADMONITION = "admonition", _("诫勉")
    SUSPENSION = "suspension", _("停职检查")
    ADJUSTMENT = "adjustment", _("调整职务")
    DISMISSAL = "dismissal", _("免职")
    DEMOTION = "demotion", _("降职")


class DisciplineRecord(models.Model):
    """纪律处分 / 组织处理 / 其他记录 on a cadre's file (一人一档), with the period it takes effect
    (`effect_until`: the end of the appointment restriction, or of an investigation; null = open)."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="discipline_records")
    kind = models.CharField(_("类别"), max_length=20, choices=RecordKind.choices)
    level = models.CharField(_("处分(处理)种类"), max_length=20, choices=RecordLevel.choices, blank=True)
    date = models.DateField(_("日期"))
    effect_until = models.DateField(_("影响期至"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["person_id", "-date", "id"]
        verbose_name = _("纪律处分与组织处理")
        verbose_name_plural = _("纪律处分与组织处理")

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.date}"


class Purpose(models.TextChoices):
    ELECTION = "election", _("换届选举")
    BY_ELECTION = "by_election", _("补选")
    APPOINTMENT = "appointment", _("任命")
    PROFESSIONAL_SECRETARY = "professional_secretary", _("专业化书记")
    YOUNG_PROFESSIONAL = "young_professional", _("年轻专业化干部")


class Case(models.Model):
    """A candidate's selection (WF-1): nomination → joint review → aggregation (R-ELIG-05) →
    publicity → appointment within the quotas (R-POS-01/03/04) → in office, filed with the county."""

    class State(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        TOWNSHIP_REVIEW = "township_review", _("乡镇复核")
        JOINT_REVIEW = "joint_review", _("部门联审中")
        CLEARED = "cleared", _("联审通过")
        REJECTED = "rejected", _("联审未通过")
        SOFT_FLAG = "soft_flag", _("待乡镇研究")
        PUBLICITY = "publicity", _("公示中")
        IN_OFFICE = "in_office", _("已任职")
        WITHDRAWN = "withdrawn", _("已撤回")

    cadre = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="selection_cases")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("选用类型"), max_length=24, choices=Purpose.choices)
    post = models.CharField(_("拟任职务"), max_length=4, choices=PostCode.choices)
    full_time = models.BooleanField(_("专职"), default=False)
    professionalized = models.BooleanField(_("职业化(专业化)管理"), default=False)
    tier = models.PositiveSmallIntegerField(_("专业化档次"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.NOMINATED)
    outcome = models.CharField(_("联审结论"), max_length=12, blank=True)  # cleared | rejected | soft_flag
    decision_reason = models.TextField(_("乡镇研究意见"), blank=True)
    election_round = models.CharField(_("换届批次"), max_length=40, blank=True)
    submitted_on = models.DateField(_("提交联审日期"), null=True, blank=True)
    cleared_on = models.DateField(_("联审通过日期"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    appointed_post = models.ForeignKey(
        "cadres.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="selection_cases"
    )
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["village", "state"])]
        verbose_name = _("选用案件")
        verbose_name_plural = _("选用案件")

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.purpose} {self.state}"


class Review(models.Model):
    """One department's opinion on one case (R-ELIG-04): final once given."""

    class Result(models.TextChoices):
        CLEAR = "clear", _("无异议")
        BAR_HARD = "bar_hard", _("不得(硬性)")
        BAR_SOFT = "bar_soft", _("不宜(需研究)")
        UNKNOWN = "unknown", _("情况不明")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    county = models.CharField(max_length=12, db_index=True)  # the case's county, for the reviewer's scope
    department = models.CharField(_("联审部门"), max_length=20, choices=Department.choices)
    due_date = models.DateField(_("反馈期限"))
    result = models.CharField(_("意见"), max_length=10, choices=Result.choices, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="review_once_per_department")]
        indexes = [
            models.Index(fields=["county", "department", "due_date"], name="review_queue"),
            models.Index(fields=["county", "due_date"], condition=Q(result=""), name="review_open"),
        ]
        verbose_name = _("部门联审意见")
        verbose_name_plural = _("部门联审意见")

    def __str__(self) -> str:
        return f"{self.case_id} {self.department} {self.result or '-'}"


class Trigger(models.TextChoices):
    RESIGNATION = "resignation", _("辞职")
    RECALL = "recall", _("罢免")
    AUTOMATIC = "automatic", _("自然终止")
    ORGANISATIONAL = "organisational", _("组织处理")
    COMPETENCY = "competency", _("退出职业化管理")
    AGE = "age", _("到龄退出")


class Exit(models.Model):
    """An exit from a post (WF-2): proposed → (离任经济责任审计 report, R-FIN-03) → county review →
    (a recall: the villagers' vote, statutory_procedure → decided, or in_office when it fails) →
    decided → the township's decision ends the post → handover with its checklist (R-ORG-10) →
    filed."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("乡镇研究")
        COUNTY_REVIEW = "county_review", _("县级审核")
        STATUTORY = "statutory_procedure", _("罢免表决")
        RETAINED = "in_office", _("罢免未通过,留任")
        DECIDED = "decided", _("已批准")
        HANDOVER = "handover", _("工作移交")
        FILED = "filed", _("已备案")
        WITHDRAWN = "withdrawn", _("已撤回")

    post = models.ForeignKey("cadres.Post", on_delete=models.PROTECT, related_name="exits")
    cadre = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="exits")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(_("退出情形"), max_length=16, choices=Trigger.choices)
    reason = models.TextField(_("事由"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PROPOSED)
    audit_required = models.BooleanField(_("须离任经济责任审计"), default=False)
    audit_date = models.DateField(_("审计报告日期"), null=True, blank=True)
    audit_findings = models.TextField(_("审计结论"), blank=True)
    audit_referred = models.BooleanField(_("移送纪检监察"), default=False)
    # Recall (罢免, 村组法 art.16): the petition (by voters or representatives) and the vote.
    petition_by = models.CharField(_("联名方式"), max_length=16, blank=True)  # voters | representatives
    representatives = models.PositiveIntegerField(_("村民代表人数"), null=True, blank=True)
    vote_date = models.DateField(_("表决日期"), null=True, blank=True)
    signatures = models.PositiveIntegerField(_("联名人数"), null=True, blank=True)
    votes_for = models.PositiveIntegerField(_("赞成票"), null=True, blank=True)
    votes_cast = models.PositiveIntegerField(_("投票人数"), null=True, blank=True)
    registered_voters = models.PositiveIntegerField(_("登记选民数"), null=True, blank=True)
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    handover_due = models.DateField(_("移交期限"), null=True, blank=True)
    handover_done_on = models.DateField(_("移交完成日期"), null=True, blank=True)
    handover_items = models.JSONField(_("已移交事项"), default=list, blank=True)  # codes of rules.handover_checklist
    allowance_eligible = models.BooleanField(_("符合离任生活补贴条件"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["village", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=~Q(state__in=["filed", "withdrawn", "in_office"]),
                name="exit_one_open_per_post",
            )
        ]
        verbose_name = _("离任")
        verbose_name_plural = _("离任")

    def __str__(self) -> str:
        return f"{self.post_id} {self.trigger} {self.state}"


class ProfessionalList(models.Model):
    """The yearly list of professionalised secretaries and their tiers (S2 第十三条): proposed by
    the township each January, approved and filed by the county; it takes effect from the first
    day of the year (or the day of approval, if later) and replaces last year's (reset each January)."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("乡镇已报")
        APPROVED = "approved", _("县级已审核备案")

    township = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_on = models.DateField(_("审核日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "township_id"]
        constraints = [models.UniqueConstraint(fields=["township", "year"], name="prof_list_once_a_year")]
        verbose_name = _("专业化书记名单")
        verbose_name_plural = _("专业化书记名单")

    def __str__(self) -> str:
        return f"{self.township_id} {self.year}"


class ProfessionalEntry(models.Model):
    list = models.ForeignKey(ProfessionalList, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(_("档次"))

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["tier", "id"]
        constraints = [models.UniqueConstraint(fields=["list", "person"], name="prof_entry_once")]

    def __str__(self) -> str:
        return f"{self.list_id} {self.person_id} {self.tier}"


class CareerMove(models.Model):
    """A village cadre's step up one of the three channels (S3 三个通道, R-TRN-07): into township
    leadership, a targeted civil-service post, or a township public-institution (事业) post."""

    class Channel(models.TextChoices):
        TOWNSHIP_LEADERSHIP = "township_leadership", _("进入乡镇领导班子")
        CIVIL_SERVICE = "civil_service", _("定向考录公务员")
        PUBLIC_INSTITUTION = "public_institution", _("定向招聘事业编制")

    person = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="career_moves")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("通道"), max_length=20, choices=Channel.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("职务(岗位)"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("晋升通道记录")
        verbose_name_plural = _("晋升通道记录")

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel} {self.date}"
