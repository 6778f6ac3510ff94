"""Cadre development (培养, SPEC A8, R-TRN-01…07): training events and their attendees, certificates,
secondments with their work log, reserves (后备干部) and 1+1+N mentoring.

An attendee row carries the figures compliance sums (credited hours, days, the event's level, kind
and year) and the cadre's village, so a region's year is one aggregate over one table (set-based,
bench/training_compliance.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touyan.core.scoped import FailClosedQuerySet

USER = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    NATIONAL = "national", _("中央/国家级")
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("市(州)级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class Kind(models.TextChoices):
    CENTRAL = "central", _("集中培训")
    POLITICAL_ROTATION = "political_rotation", _("政治轮训")
    ONLINE = "online", _("网络培训")
    PRACTICE = "practice", _("外出实训")
    EXAM = "exam", _("考试")


class TrainingEvent(models.Model):
    """One training (a course, a rotation, an online course, a practice trip or an exam)."""

    title = models.CharField(_("培训名称"), max_length=120)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主办地区")
    )
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    courses = models.TextField(_("课程"), blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.DecimalField(_("天数"), max_digits=5, decimal_places=1)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=2, null=True, blank=True)
    minutes = models.PositiveIntegerField(_("网络课程时长(分钟)"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["region", "start_date"], name="trn_event_region_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="trn_event_end_after_start")
        ]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self) -> str:
        return self.title


class Attendee(models.Model):
    """A cadre on an event's roll (once per cadre): the days attended and the hours credited."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="trainings", db_index=False)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    # the event's, copied so a year's compliance reads this table alone
    year = models.PositiveSmallIntegerField()
    date = models.DateField()  # the event's first day
    level = models.CharField(max_length=12, choices=Level.choices)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    days = models.DecimalField(_("参训天数"), max_digits=5, decimal_places=1)
    hours = models.DecimalField(_("认定学时"), max_digits=6, decimal_places=2)
    passed = models.BooleanField(_("考核合格"), null=True, blank=True)
    result = models.CharField(_("成绩/结果"), max_length=200, blank=True)
    feedback = models.TextField(_("学习体会"), blank=True)
    report_submitted = models.BooleanField(_("已交学习报告"), default=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["event_id", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "person"], name="trn_attendee_once")]
        indexes = [
            models.Index(fields=["person", "year"], name="trn_attendee_person_year"),
            models.Index(
                fields=["year", "village"],
                name="trn_attendee_year_village",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
        ]
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")

    def __str__(self) -> str:
        return f"{self.event_id} {self.person_id}"


class FollowUp(models.Model):
    """An admonition talk and make-up study after poor results (R-TRN-02), recorded."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="follow_ups")
    talk_on = models.DateField(_("约谈日期"))
    makeup = models.CharField(_("补学安排"), max_length=200)
    note = models.TextField(_("记录"), blank=True)
    done = models.BooleanField(_("已补学"), default=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.attendee_id} {self.talk_on}"


class Certificate(models.Model):
    """A qualification certificate (持证上岗) or a social-worker certificate (R-TRN-03)."""

    class CertKind(models.TextChoices):
        QUALIFICATION = "village_cadre_qualification", _("村干部任职资格证")
        SW_ASSISTANT = "social_worker_assistant", _("助理社会工作师")
        SOCIAL_WORKER = "social_worker", _("社会工作师")
        SW_SENIOR = "social_worker_senior", _("高级社会工作师")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="certificates")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("证书类别"), max_length=32, choices=CertKind.choices)
    number = models.CharField(_("证书编号"), max_length=60)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    revoked_on = models.DateField(_("注销日期"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["person_id", "issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="trn_certificate_number_once")]
        indexes = [
            models.Index(
                fields=["village", "kind"],
                name="trn_cert_village_kind",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            )
        ]
        verbose_name = _("证书")
        verbose_name_plural = _("证书")

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class Secondment(models.Model):
    """挂职 (R-TRN-05): pay and duties kept; its workdays are official business (A4)."""

    class HostLevel(models.TextChoices):
        CITY = "city", _("市直部门")
        TOWNSHIP = "township", _("乡镇机关")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="secondments")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    host = models.CharField(_("挂职单位"), max_length=120)
    host_level = models.CharField(_("挂职层级"), max_length=10, choices=HostLevel.choices)
    post_title = models.CharField(_("挂任职务"), max_length=60, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    appraisal = models.TextField(_("接收单位鉴定"), blank=True)
    appraisal_grade = models.CharField(_("鉴定等次"), max_length=24, blank=True)
    present_days = models.PositiveSmallIntegerField(_("计为公出的工作日"), default=0)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="trn_secondment_end_after")
        ]
        verbose_name = _("挂职")
        verbose_name_plural = _("挂职")

    def __str__(self) -> str:
        return f"{self.person_id} {self.host}"


class SecondmentLog(models.Model):
    """One entry of a secondment's work log (工作日志)."""

    secondment = models.ForeignKey(Secondment, on_delete=models.CASCADE, related_name="logs")
    date = models.DateField(_("日期"))
    text = models.TextField(_("工作内容"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.secondment_id} {self.date}"


class Reserve(models.Model):
    """A reserve cadre (后备干部) for a post of a village (R-TRN-06)."""

    class Source(models.TextChoices):
        CAPABLE_FARMER = "capable_farmer", _("致富能手")
        RETURNING_GRADUATE = "returning_graduate", _("返乡大学生")
        MIGRANT_WORKER = "migrant_worker", _("外出务工经商人员")
        VETERAN = "veteran", _("退役军人")
        LOCAL_TALENT = "local_talent", _("乡土人才")
        OTHER = "other", _("其他")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="reserve_records")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    target_post = models.CharField(_("后备岗位"), max_length=4)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    since = models.DateField(_("纳入后备日期"))
    until = models.DateField(_("退出日期"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["village_id", "target_post", "since", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "village", "target_post"], condition=Q(until__isnull=True), name="trn_reserve_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["village", "target_post"],
                name="trn_reserve_village_post",
                opclasses=["varchar_pattern_ops", "varchar_ops"],
            )
        ]
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.target_post}"


class Mentorship(models.Model):
    """1+1+N 导师帮带 (S1): one liaison leader, the village secretary and N committee members mentor a
    reserve; its records are `MentorshipRecord`s."""

    reserve = models.ForeignKey(Reserve, on_delete=models.CASCADE, related_name="mentorships")
    leader = models.CharField(_("包村领导"), max_length=50)
    secretary = models.ForeignKey("cadres.Person", on_delete=models.PROTECT, related_name="+", null=True)
    members = models.ManyToManyField("cadres.Person", related_name="+", blank=True)
    since = models.DateField(_("开始日期"))
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    def __str__(self) -> str:
        return f"{self.reserve_id} {self.leader}"


class MentorshipRecord(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="records")
    date = models.DateField(_("日期"))
    text = models.TextField(_("帮带内容"))
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.mentorship_id} {self.date}"


class Programme(models.Model):
    """An education upgrade programme (学历提升, R-TRN-04): a part-time college course with a partner
    school (国家开放大学, a vocational college); professionalized secretaries have priority."""

    title = models.CharField(_("项目名称"), max_length=120)
    school = models.CharField(_("合作院校"), max_length=120)
    target_education = models.CharField(_("毕业学历"), max_length=12)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", null=True)
    start_date = models.DateField(_("开学日期"))
    years = models.DecimalField(_("学制(年)"), max_digits=3, decimal_places=1, default=Decimal("2.5"))
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.title


class Enrolment(models.Model):
    """A cadre in a programme: progress, and graduation (which updates the file's education, history kept)."""

    class State(models.TextChoices):
        ENROLLED = "enrolled", _("在读")
        GRADUATED = "graduated", _("已毕业")
        WITHDRAWN = "withdrawn", _("已退学")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="enrolments")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.ENROLLED)
    credits = models.PositiveSmallIntegerField(_("已修学分"), default=0)
    progress = models.CharField(_("学习进度"), max_length=200, blank=True)
    graduated_on = models.DateField(_("毕业日期"), null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "person"], name="trn_enrolment_once")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.person_id}"


class TrainingTotal(models.Model):
    """A cadre's year of trainings in one village, summed (derived from `Attendee`, written by the
    services with every roll change): what a region's compliance reads, so a province's year is one
    pass over 150,000 rows instead of an aggregate over 1.5 million (bench/training_compliance.py).
    `attendances` is the number of attendee rows summed (a stale total is found by the count)."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="+", db_index=False)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    attendances = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal(0))
    prefecture_days = models.DecimalField(max_digits=7, decimal_places=1, default=Decimal(0))
    township_sessions = models.PositiveIntegerField(default=0)
    township_days = models.DecimalField(max_digits=7, decimal_places=1, default=Decimal(0))
    rotation_days = models.DecimalField(max_digits=7, decimal_places=1, default=Decimal(0))
    county_courses = models.PositiveIntegerField(default=0)
    reports_missing = models.PositiveIntegerField(default=0)  # central trainings without a learning report
    follow_ups_missing = models.PositiveIntegerField(default=0)  # failed without an admonition talk recorded

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "village", "person"], name="trn_total_once")]
        indexes = [
            models.Index(
                fields=["year", "village"], name="trn_total_year_village", opclasses=["int2_ops", "varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"
