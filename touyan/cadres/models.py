"""Cadre files (一人一档): people and their posts (SPEC B4 Person, Appointment).

A person's ID number is stored only encrypted (`id_enc`), found by its keyed
hash (`id_hash`, unique) and shown only masked (`id_masked`). Gender and birth
date come from the ID number. One-shoulder status and consecutive terms are
derived from the posts, never typed in.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet
from simple_history.models import HistoricalRecords

from touyan.core.scoped import FailClosedQuerySet


class FailClosedHistoricalQuerySet(FailClosedQuerySet, HistoricalQuerySet):  # type: ignore[misc]
    """A file's or a post's past versions (`Model.history`): as personal as the record, fail closed."""


class FailClosedHistory(models.Model):
    """Base of the historical models: their own manager fails closed like the record's."""

    objects = FailClosedQuerySet.as_manager()

    class Meta:
        abstract = True


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR_HIGH = "junior_high", _("初中")
    SENIOR_HIGH = "senior_high", _("高中")
    VOCATIONAL = "vocational", _("中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")


EDUCATION_RANK = {e.value: i for i, e in enumerate(Education)}


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary_member", _("中共预备党员")
    MASSES = "masses", _("群众")
    OTHER = "other", _("其他")


class Origin(models.TextChoices):
    RICH_FARMER = "rich_farmer", _("致富能手")
    GRADUATE = "returned_graduate", _("返乡大学生")
    VETERAN = "veteran", _("退役军人")
    MIGRANT = "migrant_worker", _("优秀农民工")
    DISPATCHED = "dispatched", _("机关/事业下派")
    OTHER = "other", _("其他")


class OrgKind(models.TextChoices):
    PARTY = "party_org", _("村党组织")
    VC = "villagers_committee", _("村(居)民委员会")
    SC = "supervision_committee", _("村务监督委员会")
    COLLECTIVE = "collective_econ_org", _("集体经济组织")


class PostCode(models.TextChoices):
    """R-POS-02 position codes."""

    PS = "PS", _("党组织书记")
    PDS = "PDS", _("党组织副书记")
    PCM = "PCM", _("党组织委员")
    VD = "VD", _("村(居)委会主任")
    VDD = "VDD", _("村(居)委会副主任")
    VM = "VM", _("村(居)委会委员")
    CLK = "CLK", _("文书")
    ACC = "ACC", _("会计")
    BK = "BK", _("报账员")
    SD = "SD", _("监委会主任")
    SM = "SM", _("监委会委员")
    CEO = "CEO", _("集体经济组织负责人")
    FS = "FS", _("第一书记")
    RSV = "RSV", _("后备干部")


POST_ORG: dict[str, str] = {
    "PS": OrgKind.PARTY, "PDS": OrgKind.PARTY, "PCM": OrgKind.PARTY, "FS": OrgKind.PARTY,
    "VD": OrgKind.VC, "VDD": OrgKind.VC, "VM": OrgKind.VC, "CLK": OrgKind.VC, "BK": OrgKind.VC,
    "ACC": OrgKind.COLLECTIVE, "CEO": OrgKind.COLLECTIVE,
    "SD": OrgKind.SC, "SM": OrgKind.SC,
    "RSV": OrgKind.PARTY,
}  # fmt: skip
# Seats a village has exactly one of at a time.
SINGLE_SEATS = ("PS", "VD", "SD", "CEO")


class EndReason(models.TextChoices):
    TERM_END = "term_end", _("任期届满")
    RESIGNED = "resigned", _("辞职")
    REMOVED = "removed", _("免职/撤职")
    RECALLED = "recalled", _("罢免")
    TRANSFERRED = "transferred", _("调任")
    RETIRED = "retired", _("退休")
    DIED = "died", _("去世")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    ELECTION = "election", _("换届选举")
    BY_ELECTION = "by_election", _("补选")
    APPOINTMENT = "appointment", _("任命")


class Person(models.Model):
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="cadres", verbose_name=_("所在村(社区)")
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_search = models.CharField(max_length=50, db_index=True, editable=False)  # simplified, for search
    id_enc = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    # The keyed hash of the last four characters: a search by them finds the file without the mask
    # having to show them (R-DATA-05).
    id_tail_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=6, choices=Gender.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False, db_index=True)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    phone_enc = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    political_status = models.CharField(_("政治面貌"), max_length=20, choices=PoliticalStatus.choices)
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    education = models.CharField(_("学历"), max_length=12, choices=Education.choices)
    full_time_education = models.BooleanField(_("全日制"), default=False)
    origin = models.CharField(_("来源"), max_length=20, choices=Origin.choices, default=Origin.OTHER)
    photo = models.FileField(_("照片"), upload_to="photos/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["id_enc", "phone_enc", "name_search", "updated_at", "id_tail_hash"],
        bases=[FailClosedHistory],
        historical_queryset=FailClosedHistoricalQuerySet,
    )

    # Fail closed (issue 21): during a request a query over every file raises unless it says .unscoped().
    objects = FailClosedQuerySet.as_manager()

    class Meta:
        ordering = ["village_id", "id"]
        indexes = [
            models.Index(fields=["village", "name_search"]),
            # The roster's order: a page of a region is a walk of this index (issue #3).
            models.Index(fields=["village", "id"], name="person_village_order"),
        ]
        verbose_name = _("干部档案")
        verbose_name_plural = _("干部档案")

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    """One appointment: a person in a post of a village organisation for a span of time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posts", verbose_name=_("干部"))
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="posts", verbose_name=_("村(社区)")
    )
    post = models.CharField(_("职务"), max_length=4, choices=PostCode.choices)
    organisation = models.CharField(_("组织"), max_length=24, choices=OrgKind.choices)
    term_year = models.PositiveSmallIntegerField(_("届次(选举年份)"), null=True, blank=True)
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(_("离任原因"), max_length=12, choices=EndReason.choices, blank=True)
    full_time = models.BooleanField(_("专职"), default=False)
    professionalized = models.BooleanField(_("职业化(专业化)管理"), default=False)
    tier = models.PositiveSmallIntegerField(_("专业化档次"), null=True, blank=True)
    source = models.CharField(_("产生方式"), max_length=12, choices=Source.choices, default=Source.ELECTION)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    history = HistoricalRecords(bases=[FailClosedHistory], historical_queryset=FailClosedHistoricalQuerySet)

    objects = FailClosedQuerySet.as_manager()  # personal data: fail closed (core.scoped)

    class Meta:
        ordering = ["person_id", "start_date", "id"]
        indexes = [
            models.Index(fields=["village", "post"], condition=Q(end_date__isnull=True), name="post_current"),
            # "In office on a day" for a person, answered from the index alone (roster, issue #3).
            models.Index(fields=["person", "start_date", "end_date"], name="post_person_span"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | (Q(professionalized=True) & Q(tier__gte=1) & Q(tier__lte=3)),
                name="post_tier_only_professionalized",
            ),
            models.UniqueConstraint(
                fields=["village", "post"],
                condition=Q(end_date__isnull=True) & Q(post__in=SINGLE_SEATS),
                name="post_one_holder_per_single_seat",
            ),
            models.UniqueConstraint(
                fields=["person", "post"], condition=Q(end_date__isnull=True), name="post_once_per_person"
            ),
        ]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")

    def __str__(self) -> str:
        return f"{self.person_id} {self.post}"


class Filing(models.Model):
    """凡动必报 (R-ORG-09): a change to a secretary's or director's post, reported to
    the county organization department, which files it (备案)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待备案")
        FILED = "filed", _("已备案")
        RETURNED = "returned", _("已退回")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="filings")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    change = models.CharField(_("变动"), max_length=20)  # appointed | ended | changed
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reported_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)

    class Meta:
        ordering = ["status", "-reported_at"]
        verbose_name = _("备案")
        verbose_name_plural = _("备案")

    def __str__(self) -> str:
        return f"{self.post_id} {self.change} {self.status}"
