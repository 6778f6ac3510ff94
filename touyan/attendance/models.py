"""Attendance: the working-day calendar, presence, duty rosters, leave and month locks
(SPEC A4, R-ATT-01…04, WF-4, WF-8)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touyan.core.scoped import FailClosedQuerySet

from .rules import FENCE_RADIUS_DEFAULT, FENCE_RADIUS_MAX, FENCE_RADIUS_MIN


class CalendarDay(models.Model):
    """An admin's entry for one day, overriding the statutory calendar package
    (the State Council publishes next year's schedule each November)."""

    date = models.DateField(_("日期"), primary_key=True)
    is_workday = models.BooleanField(_("工作日"))
    note = models.CharField(_("说明"), max_length=50, blank=True)  # e.g. 春节, 调休上班
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'}"


class Presence(models.Model):
    """One presence record per cadre per day, whatever the channel (A4)."""

    class Kind(models.TextChoices):
        PRESENT = "present", _("在岗")
        OFFICIAL = "official_business", _("公出(含培训、挂职)")

    class Channel(models.TextChoices):
        WEB = "web", _("网页签到")
        DUTY_BOOK = "duty_book", _("值班簿")
        IMPORT = "import", _("导入")

    # No single-column indexes on person and village: the unique (person, date) and the
    # (village, date) index below serve those lookups. The table grows by a row per cadre and
    # workday (≈ 750 million a year nationally) and every check-in writes each index (issue #4).
    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="presences", db_index=False)
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.PRESENT)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices)
    # Location is optional per region and kept only as inside/outside and distance (A4).
    inside_fence = models.BooleanField(_("在村范围内"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("距离(米)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "date"], name="presence_one_per_day")]
        indexes = [
            # One village's days, and a region's by code prefix (LIKE '5223%' needs the pattern
            # operator class on PostgreSQL; other databases ignore opclasses).
            models.Index(
                fields=["village", "date"], name="presence_village_date", opclasses=["varchar_pattern_ops", "date_ops"]
            ),
            models.Index(fields=["date"], name="presence_date"),
        ]
        verbose_name = _("在岗记录")
        verbose_name_plural = _("在岗记录")

    def __str__(self) -> str:
        return f"{self.person_id} {self.date}"


class VillageFence(models.Model):
    """A village's location fence for web sign-in (A4 Compliance, R-ATT-04): a centre and a radius,
    set by the township or county. Where the region turned `location_check` on, a sign-in position
    is checked against it and only inside/outside and the distance are kept on the presence record,
    never the position (R-DATA-01). Changes are audited (`attendance.fence.set` / `.clear`)."""

    village = models.OneToOneField(
        "regions.Region", primary_key=True, on_delete=models.PROTECT, related_name="fence", verbose_name=_("村(社区)")
    )
    latitude = models.DecimalField(
        _("中心纬度"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("中心经度"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius_m = models.PositiveIntegerField(
        _("半径(米)"),
        default=FENCE_RADIUS_DEFAULT,
        validators=[MinValueValidator(FENCE_RADIUS_MIN), MaxValueValidator(FENCE_RADIUS_MAX)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="fence_latitude_range"),
            models.CheckConstraint(condition=Q(longitude__gte=-180, longitude__lte=180), name="fence_longitude_range"),
            models.CheckConstraint(
                condition=Q(radius_m__gte=FENCE_RADIUS_MIN, radius_m__lte=FENCE_RADIUS_MAX), name="fence_radius_range"
            ),
        ]
        verbose_name = _("村庄签到范围")
        verbose_name_plural = _("村庄签到范围")

    def __str__(self) -> str:
        return f"{self.village_id} ({self.latitude}, {self.longitude}) {self.radius_m} m"


class DutyAssignment(models.Model):
    """The duty roster: who is on duty in a village on a day (R-ATT-01)."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"))
    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="duties")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["village", "date", "person"], name="duty_once")]
        indexes = [models.Index(fields=["village", "date"])]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")

    def __str__(self) -> str:
        return f"{self.village_id} {self.date} {self.person_id}"


class LeaveRequest(models.Model):
    """WF-4: draft → submitted → approved (by level) → on leave → returned (销假) → closed."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        RETURNED = "returned", _("已销假")
        CANCELLED = "cancelled", _("已撤回")

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="leaves")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("天数"))
    reason = models.CharField(_("事由"), max_length=300)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    route = models.JSONField(_("审批层级"), default=list)  # e.g. ["secretary", "township"]
    next_level = models.CharField(_("当前审批"), max_length=20, blank=True)
    returned_on = models.DateField(_("销假日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["village", "status"]), models.Index(fields=["person", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_end_after_start")
        ]
        verbose_name = _("请假")
        verbose_name_plural = _("请假")

    def __str__(self) -> str:
        return f"{self.person_id} {self.start_date}–{self.end_date}"


class LeaveApproval(models.Model):
    leave = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="approvals")
    level = models.CharField(_("层级"), max_length=20)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.CharField(_("意见"), max_length=10)  # approve | reject | record
    note = models.CharField(_("备注"), max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.leave_id} {self.level} {self.decision}"


class BlockedPeriod(models.Model):
    """A period declared by the county in which no leave is granted (flood or fire season)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-start_date"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.start_date}–{self.end_date} {self.reason}"


class MonthLock(models.Model):
    """WF-8: the township has locked a month's attendance; later changes need a correction."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # the first day of the month
    locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "month"], name="monthlock_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"


class MonthResult(models.Model):
    """A cadre's month (A4) as it stood when the township locked it (WF-8), kept current by
    corrections after the lock. The pay run reads these rows instead of every presence record
    of the quarter (issue #6): one row per cadre per month instead of ~22."""

    person = models.ForeignKey("cadres.Person", on_delete=models.CASCADE, related_name="month_results")
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # the first day of the month
    required_days = models.PositiveSmallIntegerField(_("应在岗天数"))
    present_days = models.PositiveSmallIntegerField(_("在岗天数"))
    excused_days = models.PositiveSmallIntegerField(_("请假天数"))
    shortfall_days = models.PositiveSmallIntegerField(_("差额天数"))
    unexcused_days = models.PositiveSmallIntegerField(_("旷工天数"))
    workdays_in_post = models.PositiveSmallIntegerField(_("在任工作日"))

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "month"], name="monthresult_once")]
        verbose_name = _("月度考勤结果")
        verbose_name_plural = _("月度考勤结果")

    def __str__(self) -> str:
        return f"{self.person_id} {self.month:%Y-%m}"
