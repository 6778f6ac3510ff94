"""The policy parameters: every number a region may set, with its SPEC default.

Each parameter has a key, a type with bounds, its SPEC default, the rule it
comes from and whether it is [law] (stored but locked against regional edits).
`FullParams` validates a resolved set; `PartialParams` validates a document,
which names only the keys its region overrides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    create_model,
)

from . import catalogues

D = Decimal


@dataclass(frozen=True)
class Param:
    key: str
    type: Any
    default: Any
    label: Any
    rule: str
    group: str
    law: bool = False
    ge: Any = None
    le: Any = None
    unit: str = ""


GROUPS: dict[str, Any] = {
    "org": _("组织与任期"),
    "pos": _("岗位与职数"),
    "elig": _("资格联审"),
    "att": _("坐班考勤"),
    "asmt": _("考核评价"),
    "pay": _("报酬待遇"),
    "affairs": _("村务与公开"),
    "trn": _("培训发展"),
    "data": _("个人信息"),
}

YUAN = "元"
DAYS = "天"
PERCENT = "%"

# Shares, ratios and weights stored as fractions (0.20) and shown — and typed on the policy page — as
# percentages (20 %): `is_percent`, `percent_text`, `percent_value`.
PERCENT_KEYS = frozenset(
    {
        "prof_secretary_share",
        "young_share",
        "young_pay_ratio",
        "excellent_max_share",
        "w_work",
        "w_demo",
        "demo_satisfaction_min",
        "demo_unqualified_admonish",
        "competency_admonish_below",
        "competency_exit_below",
        "deputy_ratio",
        "reelection_uplift",
        "perf_share",
        "reward_rate",
        "reward_cap_share",
        "weak_township_share",
        "weak_bonus_cut",
        "departure_pct_1",
        "departure_pct_2",
        "departure_pct_3",
        "departure_director_ratio",
        "secondment_township_share",
    }
)


# --- Structured parameters of village affairs (R-OPEN-04, R-DEC-04) ----------------------------
class DisclosureEntry(BaseModel):
    """One item of a disclosure catalogue (R-OPEN-04)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    category: Literal["party", "village", "finance"]
    title: str = Field(min_length=1, max_length=60)
    schedule: Literal["monthly", "quarterly", "semiannual", "annual", "at_once", "finance", "party"]
    content: str = Field(default="", max_length=300)
    deadline: str = Field(default="", max_length=60)
    basis: str = Field(default="", max_length=120)


class MicroPowerEntry(BaseModel):
    """One village power with its flow as steps (R-DEC-04)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,16}$")
    category: str = Field(min_length=1, max_length=20)
    title: str = Field(min_length=1, max_length=60)
    basis: str = Field(default="", max_length=120)
    steps: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(min_length=2, max_length=12)


class Catalogue(tuple):  # type: ignore[type-arg]
    """A validated catalogue; shown as its size (the policy page lists parameters one per line)."""

    def __str__(self) -> str:
        return str(_("共 %(n)s 项")) % {"n": len(self)}


class CatalogueView:
    """A catalogue as `model_dump()` gives it: its entries, shown as its size."""

    def __init__(self, entries: tuple[Any, ...]) -> None:
        self.entries = tuple(entries)

    def __iter__(self) -> Any:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, (CatalogueView, tuple)) else NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return str(_("共 %(n)s 项")) % {"n": len(self.entries)}


def _unique_codes(entries: tuple[Any, ...]) -> Catalogue:
    codes = [e.code for e in entries]
    if len(set(codes)) != len(codes):
        raise ValueError("catalogue codes must be unique")
    return Catalogue(entries)


def _dump_catalogue(value: Any, info: SerializationInfo) -> Any:
    # JSON (API, stored documents): the entries; Python (the policy page's table): the catalogue itself.
    if info.mode_is_json():
        return [e.model_dump(mode="json") for e in value]
    return CatalogueView(value)


def _catalogue_type(entry: type[BaseModel], max_items: int) -> Any:
    return Annotated[
        tuple[entry, ...],  # type: ignore[valid-type]
        Field(min_length=1, max_length=max_items),
        AfterValidator(_unique_codes),
        PlainSerializer(_dump_catalogue),
    ]


# --- The joint-review departments of a county (R-ELIG-04) ----------------------------------------
REVIEW_DEPARTMENT_CODES = (
    "discipline", "organization", "social_work", "political_legal", "police", "court", "procuratorate",
    "justice", "petition", "civil_affairs", "health", "market", "tax", "agriculture", "hrss", "united_front",
)  # fmt: skip
DEFAULT_REVIEW_DEPTS = REVIEW_DEPARTMENT_CODES[:10]


class DeptList(tuple):  # type: ignore[type-arg]
    """A list of department codes; shown (and typed on the policy page) comma-separated."""

    def __str__(self) -> str:
        return ",".join(self)


def _split_codes(value: Any) -> Any:
    if isinstance(value, str):
        return [c for c in value.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if c]
    return value


def _dept_list(value: tuple[str, ...]) -> DeptList:
    unknown = [c for c in value if c not in REVIEW_DEPARTMENT_CODES]
    if unknown:
        raise ValueError(f"unknown department codes {unknown}; allowed: {', '.join(REVIEW_DEPARTMENT_CODES)}")
    if len(set(value)) != len(value):
        raise ValueError("department codes must be unique")
    return DeptList(value)


def _dump_depts(value: Any, info: SerializationInfo) -> Any:
    return list(value) if info.mode_is_json() else DeptList(value)


ReviewDeptsType = Annotated[
    tuple[str, ...],
    BeforeValidator(_split_codes),
    Field(min_length=1, max_length=len(REVIEW_DEPARTMENT_CODES)),
    AfterValidator(_dept_list),
    PlainSerializer(_dump_depts),
]

DisclosureCatalogueType = _catalogue_type(DisclosureEntry, 200)
MicroPowerCatalogueType = _catalogue_type(MicroPowerEntry, 100)
DEFAULT_DISCLOSURE_CATALOGUE = Catalogue(
    DisclosureEntry(code=c, category=cat, title=t, schedule=s, content=ct, deadline=d, basis=b)  # type: ignore[arg-type]
    for c, cat, t, s, ct, d, b in catalogues.DISCLOSURE_ITEMS
)
DEFAULT_MICRO_POWER_CATALOGUE = Catalogue(
    MicroPowerEntry(code=c, category=cat, title=t, basis=b, steps=steps)
    for c, cat, t, b, steps in catalogues.MICRO_POWERS
)

PARAMS: tuple[Param, ...] = (
    # ORG
    Param("term_years", int, 5, _("两委任期(年)"), "R-ORG-02", "org", law=True, ge=1, le=10, unit="年"),
    Param("handover_days", int, 10, _("换届后移交工作时限(天)"), "R-ORG-10", "org", law=True, ge=1, le=60, unit=DAYS),
    Param("rep_assembly_per_year", int, 4, _("村民代表会议每年次数"), "R-ORG-08", "org", law=True, ge=1, le=12),
    # POS
    Param("full_time_quota_per_village", int, 3, _("每村专职干部职数"), "R-POS-01", "pos", ge=1, le=9),
    Param("prof_secretary_share", D, D("0.5"), _("专业化书记占行政村比例"), "R-POS-03", "pos", ge=D(0), le=D(1)),
    Param("min_tenure_years", int, 3, _("专业化书记任职年限"), "R-POS-03", "pos", ge=0, le=20, unit="年"),
    Param(
        "min_tenure_years_relaxed",
        int,
        1,
        _("全日制大专以上或35岁以下任职年限"),
        "R-POS-03",
        "pos",
        ge=0,
        le=20,
        unit="年",
    ),
    Param(
        "prof_min_collective_income",
        D,
        D("100000"),
        _("专业化书记村集体经济收入下限"),
        "R-POS-03",
        "pos",
        ge=D(0),
        unit=YUAN,
    ),
    Param("prof_min_stars", int, 4, _("专业化书记党组织星级下限"), "R-POS-03", "pos", ge=1, le=5),
    Param("young_age_max", int, 35, _("年轻专业化干部年龄上限"), "R-POS-04", "pos", ge=18, le=60, unit="岁"),
    Param("young_share", D, D("0.30"), _("年轻专业化干部占村比例上限"), "R-POS-04", "pos", ge=D(0), le=D(1)),
    Param("young_pay_ratio", D, D("0.8"), _("年轻专业化干部报酬系数"), "R-POS-04", "pos", ge=D("0.6"), le=D("1.0")),
    Param(
        "young_degree_bonus_city", D, D("500"), _("全日制大专以上市级补贴(月)"), "R-POS-04", "pos", ge=D(0), unit=YUAN
    ),
    Param(
        "young_degree_bonus_township",
        D,
        D("500"),
        _("全日制大专以上乡镇补贴(月)"),
        "R-POS-04",
        "pos",
        ge=D(0),
        unit=YUAN,
    ),
    # ELIG
    Param(
        "criminal_lookback_years",
        int | None,
        None,
        _("刑事处罚追溯年限(空=不限)"),
        "R-ELIG-02",
        "elig",
        ge=1,
        le=50,
        unit="年",
    ),
    Param(
        "party_sanction_bar_years",
        int,
        2,
        _("撤销党内职务以上处分影响期(年)"),
        "R-ELIG-02",
        "elig",
        ge=0,
        le=10,
        unit="年",
    ),
    # The departments every candidate's joint review goes to (R-ELIG-04; API codes, comma-separated on the page).
    Param("review_depts", ReviewDeptsType, DeptList(DEFAULT_REVIEW_DEPTS), _("联审部门(代码)"), "R-ELIG-04", "elig"),
    Param("review_sla_workdays", int, 7, _("联审部门反馈时限(工作日)"), "R-ELIG-04", "elig", ge=1, le=60),
    Param("review_validity_days", int, 180, _("联审结果有效期(天)"), "R-ELIG-05", "elig", ge=1, le=730, unit=DAYS),
    Param("publicity_days", int, 5, _("公示期(天)"), "WF-1", "elig", ge=1, le=30, unit=DAYS),
    Param("max_age_head", int, 60, _("书记、主任当选年龄上限"), "R-ELIG-06", "elig", ge=18, le=80, unit="岁"),
    Param("max_age_member", int, 65, _("其他成员年龄上限"), "R-ELIG-06", "elig", ge=18, le=80, unit="岁"),
    # ATT
    Param("min_days_per_month", int, 22, _("每月在村工作天数"), "R-ATT-01", "att", ge=1, le=31, unit=DAYS),
    Param("min_on_duty", int, 1, _("每日最少值班人数"), "R-ATT-01", "att", ge=0, le=10),
    Param("duty_days", Literal["all", "workdays"], "all", _("值班日(all=每天, workdays=工作日)"), "R-ATT-01", "att"),
    Param("location_check", bool, False, _("签到校验位置(仅存是否在村及距离)"), "A4", "att"),
    Param("leave_max_single", int, 20, _("单次请假上限(天)"), "R-ATT-02", "att", ge=1, le=365, unit=DAYS),
    Param("leave_max_year", int, 60, _("年度请假上限(天)"), "R-ATT-02", "att", ge=1, le=365, unit=DAYS),
    Param("leave_secretary_max_days", int, 1, _("书记审批请假上限(天)"), "R-ATT-02", "att", ge=0, le=30, unit=DAYS),
    Param(
        "leave_liaison_record_max_days",
        int,
        3,
        _("书记审批并报包村干部备案上限(天)"),
        "R-ATT-02",
        "att",
        ge=0,
        le=30,
        unit=DAYS,
    ),
    Param(
        "absence_consecutive_limit", int, 15, _("连续旷工认定不称职(天)"), "R-ATT-03", "att", ge=1, le=365, unit=DAYS
    ),
    Param("absence_year_limit", int, 30, _("年度累计旷工认定不称职(天)"), "R-ATT-03", "att", ge=1, le=365, unit=DAYS),
    Param("attendance_lock_day", int, 3, _("次月几日后锁定考勤"), "WF-8", "att", ge=1, le=28),
    # ASMT
    Param("grade_excellent_min", D, D("90"), _("优秀分数线"), "R-ASMT-03", "asmt", ge=D(0), le=D(100)),
    Param("grade_competent_min", D, D("70"), _("称职分数线"), "R-ASMT-03", "asmt", ge=D(0), le=D(100)),
    Param("grade_basic_min", D, D("60"), _("基本称职分数线"), "R-ASMT-03", "asmt", ge=D(0), le=D(100)),
    Param("excellent_max_share", D, D("0.20"), _("优秀比例上限"), "R-ASMT-03", "asmt", ge=D(0), le=D(1)),
    Param("w_work", D, D("0.7"), _("年度考核工作实绩权重"), "R-ASMT-02", "asmt", ge=D(0), le=D(1)),
    Param("w_demo", D, D("0.3"), _("年度考核民主测评权重"), "R-ASMT-02", "asmt", ge=D(0), le=D(1)),
    Param("demo_satisfaction_min", D, D("0.40"), _("满意率低于此值定为不称职"), "R-ASMT-04", "asmt", ge=D(0), le=D(1)),
    Param(
        "demo_unqualified_admonish", D, D("0.30"), _("不称职票达到此比例约谈"), "R-ASMT-04", "asmt", ge=D(0), le=D(1)
    ),
    Param("competency_admonish_below", D, D("0.90"), _("胜任率低于此值约谈"), "R-ASMT-07", "asmt", ge=D(0), le=D(1)),
    Param(
        "competency_exit_below", D, D("0.80"), _("胜任率低于此值退出专业化管理"), "R-ASMT-07", "asmt", ge=D(0), le=D(1)
    ),
    Param("count_basic_as_competent", bool, False, _("基本胜任计入胜任"), "R-ASMT-07", "asmt"),
    Param("appeal_days", int, 5, _("考核申诉期(天)"), "WF-5", "asmt", ge=0, le=30, unit=DAYS),
    Param("pledge_items_min", int, 2, _("承诺事项最少条数"), "R-ASMT-08", "asmt", ge=1, le=20),
    Param("pledge_items_max", int, 5, _("承诺事项最多条数"), "R-ASMT-08", "asmt", ge=1, le=20),
    # PAY
    Param(
        "base_standard_one_shoulder", D, D("42000"), _("一肩挑基本报酬标准(年)"), "R-PAY-02", "pay", ge=D(0), unit=YUAN
    ),
    Param("base_standard_ps", D, D("36000"), _("书记基本报酬标准(年)"), "R-PAY-02", "pay", ge=D(0), unit=YUAN),
    Param("base_standard_vd", D, D("36000"), _("主任基本报酬标准(年)"), "R-PAY-02", "pay", ge=D(0), unit=YUAN),
    Param("deputy_ratio", D, D("0.8"), _("副职及文书按书记标准比例"), "R-PAY-03", "pay", ge=D(0), le=D(1)),
    Param(
        "base_multiple", D, D("3"), _("基本报酬不低于上年农村人均可支配收入倍数"), "R-PAY-02", "pay", ge=D(0), le=D(10)
    ),
    Param("reelection_uplift", D, D("0.05"), _("连任每届上浮比例"), "R-PAY-05", "pay", ge=D(0), le=D("0.5")),
    Param("uplift_compound", bool, False, _("连任上浮按复利计算"), "R-PAY-05", "pay"),
    Param("term_gap_days", int, 90, _("连任认定间隔(天)"), "A6", "pay", ge=0, le=730, unit=DAYS),
    Param("pay_notice_days", int, 5, _("村干部报酬村内公示期(天)"), "WF-8", "pay", ge=0, le=30, unit=DAYS),
    Param("perf_share", D, D("0.4"), _("绩效报酬占年度报酬比例"), "R-PAY-04", "pay", ge=D(0), le=D("0.9")),
    Param("grade_factor_excellent", D, D("1.2"), _("绩效系数·优秀"), "R-PAY-04", "pay", ge=D(0), le=D(3)),
    Param("grade_factor_competent", D, D("1.0"), _("绩效系数·称职"), "R-PAY-04", "pay", ge=D(0), le=D(3)),
    Param("grade_factor_basic", D, D("0.6"), _("绩效系数·基本称职"), "R-PAY-04", "pay", ge=D(0), le=D(3)),
    Param("grade_factor_incompetent", D, D("0"), _("绩效系数·不称职"), "R-PAY-04", "pay", ge=D(0), le=D(3)),
    Param("tier1_amount", D, D("800"), _("专业化补贴一档(月)"), "R-PAY-06", "pay", ge=D(0), unit=YUAN),
    Param("tier2_amount", D, D("600"), _("专业化补贴二档(月)"), "R-PAY-06", "pay", ge=D(0), unit=YUAN),
    Param("tier3_amount", D, D("400"), _("专业化补贴三档(月)"), "R-PAY-06", "pay", ge=D(0), unit=YUAN),
    Param("pension_subsidy", D, D("2000"), _("养老补贴(年)"), "R-PAY-07", "pay", ge=D(0), unit=YUAN),
    Param("annual_floor_ps", D, D("42000"), _("书记年报酬下限"), "R-PAY-02", "pay", ge=D(0), unit=YUAN),
    Param("annual_floor_vd", D, D("42000"), _("主任年报酬下限"), "R-PAY-02", "pay", ge=D(0), unit=YUAN),
    Param("annual_floor_one_shoulder", D, D("50000"), _("一肩挑年报酬下限"), "R-PAY-02", "pay", ge=D(0), unit=YUAN),
    Param("reward_rate", D, D("0.10"), _("集体经济发展奖励比例"), "R-PAY-08", "pay", ge=D(0), le=D(1)),
    Param("reward_cap_share", D, D("0.5"), _("奖励上限占增量比例"), "R-PAY-08", "pay", ge=D(0), le=D(1)),
    Param("reward_min_months_in_post", int, 6, _("享受奖励最短任职(月)"), "R-PAY-08", "pay", ge=0, le=60),
    Param("honour_county", D, D("1000"), _("县级表彰奖励"), "R-PAY-09", "pay", ge=D(0), unit=YUAN),
    Param("honour_prefecture", D, D("1500"), _("市级表彰奖励"), "R-PAY-09", "pay", ge=D(0), unit=YUAN),
    Param("honour_province", D, D("2000"), _("省级表彰奖励"), "R-PAY-09", "pay", ge=D(0), unit=YUAN),
    Param("condolence_illness", D, D("2000"), _("重病慰问金"), "R-PAY-11", "pay", ge=D(0), unit=YUAN),
    Param("condolence_disabled", D, D("5000"), _("因公致残慰问金"), "R-PAY-11", "pay", ge=D(0), unit=YUAN),
    Param("condolence_death", D, D("20000"), _("因公牺牲慰问金"), "R-PAY-11", "pay", ge=D(0), unit=YUAN),
    Param("weak_income", D, D("10000"), _("集体经济薄弱村收入线"), "R-PAY-12", "pay", ge=D(0), unit=YUAN),
    Param(
        "weak_township_share", D, D("0.5"), _("薄弱村占比达到此值扣减乡镇书记奖金"), "R-PAY-12", "pay", ge=D(0), le=D(1)
    ),
    Param("weak_bonus_cut", D, D("0.10"), _("乡镇书记奖金扣减比例"), "R-PAY-12", "pay", ge=D(0), le=D(1)),
    Param(
        "departure_strategy",
        Literal["pct_of_current_base", "per_term", "bracket_table"],
        "pct_of_current_base",
        _("离任生活补贴计算方式"),
        "R-PAY-10",
        "pay",
    ),
    # R-PAY-10 (a) pct_of_current_base: level n pays departure_pct_n of the current secretary base to a
    # 书记 with departure_pct_n_continuous_years in a row or departure_pct_n_total_years in all.
    Param("departure_pct_1", D, D("0.10"), _("离任补贴一档比例"), "R-PAY-10", "pay", ge=D(0), le=D(1)),
    Param(
        "departure_pct_1_continuous_years",
        int,
        6,
        _("离任补贴一档连续任职年限"),
        "R-PAY-10",
        "pay",
        ge=0,
        le=60,
        unit="年",
    ),
    Param(
        "departure_pct_1_total_years", int, 9, _("离任补贴一档累计任职年限"), "R-PAY-10", "pay", ge=0, le=60, unit="年"
    ),
    Param("departure_pct_2", D, D("0.20"), _("离任补贴二档比例"), "R-PAY-10", "pay", ge=D(0), le=D(1)),
    Param(
        "departure_pct_2_continuous_years",
        int,
        12,
        _("离任补贴二档连续任职年限"),
        "R-PAY-10",
        "pay",
        ge=0,
        le=60,
        unit="年",
    ),
    Param(
        "departure_pct_2_total_years", int, 18, _("离任补贴二档累计任职年限"), "R-PAY-10", "pay", ge=0, le=60, unit="年"
    ),
    Param("departure_pct_3", D, D("0.30"), _("离任补贴三档比例"), "R-PAY-10", "pay", ge=D(0), le=D(1)),
    Param(
        "departure_pct_3_continuous_years",
        int,
        18,
        _("离任补贴三档连续任职年限"),
        "R-PAY-10",
        "pay",
        ge=0,
        le=60,
        unit="年",
    ),
    Param(
        "departure_pct_3_total_years", int, 27, _("离任补贴三档累计任职年限"), "R-PAY-10", "pay", ge=0, le=60, unit="年"
    ),
    Param(
        "departure_director_ratio", D, D("0.8"), _("主任离任补贴按书记标准比例"), "R-PAY-10", "pay", ge=D(0), le=D(1)
    ),
    Param("departure_age_men", int, 60, _("离任补贴起领年龄(男)"), "R-PAY-10", "pay", ge=40, le=80, unit="岁"),
    Param("departure_age_women", int, 55, _("离任补贴起领年龄(女)"), "R-PAY-10", "pay", ge=40, le=80, unit="岁"),
    # R-PAY-10 (b) per_term: yuan a month per full term (3 years) for 书记 / 主任 / 文书, by the highest post held.
    Param("departure_term_rate_ps", D, D("20"), _("离任补贴每届月额·书记"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param("departure_term_rate_vd", D, D("15"), _("离任补贴每届月额·主任"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param("departure_term_rate_clk", D, D("10"), _("离任补贴每届月额·文书"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    # R-PAY-10 (c) bracket_table: from departure_bracket_n_years years of service, yuan a month for
    # 书记 / 主任 / 会计 (the SPEC's 句容 example: 10–14 / 15–19 / ≥ 20 years).
    Param("departure_bracket_1_years", int, 10, _("离任补贴年限一档(年)"), "R-PAY-10", "pay", ge=0, le=60, unit="年"),
    Param("departure_bracket_1_ps", D, D("485"), _("离任补贴年限一档·书记(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param("departure_bracket_1_vd", D, D("465"), _("离任补贴年限一档·主任(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param(
        "departure_bracket_1_acc", D, D("445"), _("离任补贴年限一档·会计(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN
    ),
    Param("departure_bracket_2_years", int, 15, _("离任补贴年限二档(年)"), "R-PAY-10", "pay", ge=0, le=60, unit="年"),
    Param("departure_bracket_2_ps", D, D("505"), _("离任补贴年限二档·书记(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param("departure_bracket_2_vd", D, D("485"), _("离任补贴年限二档·主任(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param(
        "departure_bracket_2_acc", D, D("465"), _("离任补贴年限二档·会计(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN
    ),
    Param("departure_bracket_3_years", int, 20, _("离任补贴年限三档(年)"), "R-PAY-10", "pay", ge=0, le=60, unit="年"),
    Param("departure_bracket_3_ps", D, D("525"), _("离任补贴年限三档·书记(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param("departure_bracket_3_vd", D, D("505"), _("离任补贴年限三档·主任(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN),
    Param(
        "departure_bracket_3_acc", D, D("485"), _("离任补贴年限三档·会计(月)"), "R-PAY-10", "pay", ge=D(0), unit=YUAN
    ),
    # AFFAIRS
    Param("major_matter_threshold", D, D("50000"), _("重大事项金额标准"), "R-DEC-03", "affairs", ge=D(0), unit=YUAN),
    Param("merge_1_2_if_one_shoulder", bool, True, _("一肩挑村可合并提议与商议"), "R-DEC-02", "affairs"),
    Param("quarter_disclosure_day", int, 20, _("季度公开日(每季首月)"), "R-OPEN-02", "affairs", ge=1, le=28),
    Param("objection_reply_days", int, 10, _("异议答复时限(天)"), "R-OPEN-03", "affairs", ge=1, le=60, unit=DAYS),
    Param("finance_band_1", D, D("5000"), _("两委联签金额上限"), "R-FIN-02", "affairs", ge=D(0), unit=YUAN),
    Param("finance_band_2", D, D("20000"), _("两委会议加包村干部金额上限"), "R-FIN-02", "affairs", ge=D(0), unit=YUAN),
    Param("works_audit_threshold", D, D("80000"), _("工程审计金额标准"), "R-FIN-02", "affairs", ge=D(0), unit=YUAN),
    # Finances are disclosed monthly where transactions are many, otherwise quarterly (R-OPEN-01).
    Param("finance_period", Literal["monthly", "quarterly"], "monthly", _("财务公开周期"), "R-OPEN-01", "affairs"),
    # Party affairs are disclosed every half year by default (R-OPEN-02).
    Param(
        "party_affairs_period",
        Literal["quarterly", "semiannual", "annual"],
        "semiannual",
        _("党务公开周期"),
        "R-OPEN-02",
        "affairs",
    ),
    # Matters that needed a government decision are disclosed within this many days of the reply (R-OPEN-01).
    Param(
        "government_reply_disclosure_days", int, 5, _("政府批复事项公开时限(天)"), "R-OPEN-01", "affairs", ge=1, le=30
    ),
    # Cash a village may keep on hand; more is banked (R-FIN-02).
    Param("cash_on_hand_max", D, D("5000"), _("村级库存现金限额"), "R-FIN-02", "affairs", ge=D(0), unit=YUAN),
    # The items every village discloses, each with category, schedule, content, deadline and legal basis;
    # default: Luzhou's 52 items (S3) covering R-OPEN-04's minimum categories (policy/catalogues.py).
    Param(
        "disclosure_catalogue",
        DisclosureCatalogueType,
        DEFAULT_DISCLOSURE_CATALOGUE,
        _("村务公开目录"),
        "R-OPEN-04",
        "affairs",
    ),
    # The county's list of village powers, each with its flow as steps, published on every village's
    # public page; default after Ninghai's categories (R-DEC-04, policy/catalogues.py).
    Param(
        "micro_power_catalogue",
        MicroPowerCatalogueType,
        DEFAULT_MICRO_POWER_CATALOGUE,
        _("小微权力清单"),
        "R-DEC-04",
        "affairs",
    ),
    # TRN
    Param("study_hours_member", int, 32, _("党员年度学习学时"), "R-TRN-01", "trn", law=True, ge=0, le=500),
    Param("study_hours_secretary", int, 56, _("书记、委员年度学习学时"), "R-TRN-01", "trn", law=True, ge=0, le=500),
    Param("new_secretary_training_months", int, 6, _("新任书记培训时限(月)"), "R-TRN-01", "trn", law=True, ge=1, le=24),
    Param("hours_per_day", int, 8, _("每天折算学时"), "R-TRN-01", "trn", ge=1, le=12),
    Param("rotation_days_per_year", int, 5, _("党组织书记年度轮训(天)"), "R-TRN-02", "trn", ge=0, le=60, unit=DAYS),
    Param("reserves_per_prof_village", int, 2, _("专业化村书记后备人数"), "R-TRN-06", "trn", ge=0, le=10),
    Param("reserves_per_post", int, 1, _("其他岗位后备人数(一职一备)"), "R-TRN-06", "trn", ge=0, le=10),
    Param("local_talents_per_village", int, 1, _("每村储备乡土人才人数"), "R-TRN-06", "trn", ge=0, le=10),
    Param("reserve_trained_years", int, 1, _("新任书记须任后备年限"), "R-TRN-06", "trn", ge=0, le=10, unit="年"),
    Param("online_full_minutes", int, 30, _("网络课程满1学时的时长(分钟)"), "R-TRN-01", "trn", ge=1, le=600),
    Param("online_half_minutes", int, 15, _("网络课程计0.5学时的时长(分钟)"), "R-TRN-01", "trn", ge=1, le=600),
    Param("online_short_hours", D, D("0.25"), _("短于上述时长的网络课程学时"), "R-TRN-01", "trn", ge=D(0), le=D(1)),
    Param("carry_over_hours_max", D, D("0"), _("超出学时结转下年上限"), "R-TRN-01", "trn", ge=D(0), le=D(500)),
    Param("county_course_required", bool, True, _("书记每年须参加县级以上轮训"), "R-TRN-01", "trn"),
    Param("prof_prefecture_days", D, D("3"), _("专业化书记市级以上培训(天)"), "R-TRN-02", "trn", ge=D(0), le=D(60)),
    Param("prof_township_sessions", int, 2, _("专业化书记乡镇培训期数"), "R-TRN-02", "trn", ge=0, le=20),
    Param("prof_township_days", D, D("7"), _("专业化书记乡镇培训累计(天)"), "R-TRN-02", "trn", ge=D(0), le=D(60)),
    Param("secondment_min_months", int, 1, _("挂职最短时间(月)"), "R-TRN-05", "trn", ge=0, le=24),
    Param(
        "secondment_city_per_township", int, 1, _("每乡镇每年选派到市直部门挂职人数"), "R-TRN-05", "trn", ge=0, le=20
    ),
    Param(
        "secondment_township_share",
        D,
        D("0.20"),
        _("每年到乡镇机关挂职的专业化书记比例"),
        "R-TRN-05",
        "trn",
        ge=D(0),
        le=D(1),
    ),
    Param("certificate_expiry_alert_days", int, 60, _("证书到期提醒(天)"), "R-TRN-03", "trn", ge=0, le=365),
    # R-TRN-03: the monthly allowance of a social-worker certificate (S3 names it, not its amount: 0 = no line)
    Param(
        "certificate_allowance_social_worker_assistant",
        D,
        D("0"),
        _("助理社会工作师证书津贴(月)"),
        "R-TRN-03",
        "trn",
        ge=D(0),
        unit=YUAN,
    ),
    Param(
        "certificate_allowance_social_worker",
        D,
        D("0"),
        _("社会工作师证书津贴(月)"),
        "R-TRN-03",
        "trn",
        ge=D(0),
        unit=YUAN,
    ),
    Param(
        "certificate_allowance_social_worker_senior",
        D,
        D("0"),
        _("高级社会工作师证书津贴(月)"),
        "R-TRN-03",
        "trn",
        ge=D(0),
        unit=YUAN,
    ),
    # DATA
    Param("id_mask_keep_first", int, 6, _("身份证号显示前几位"), "R-DATA-05", "data", ge=0, le=8),
    Param("id_mask_keep_last", int, 1, _("身份证号显示后几位"), "R-DATA-05", "data", ge=0, le=4),
    Param("audit_retention_years", int, 3, _("审计日志保存年限"), "R-DATA-06", "data", ge=3, le=30, unit="年"),
    Param(
        "attendance_retention_years", int, 5, _("考勤与请假数据保存年限"), "R-DATA-07", "data", ge=1, le=30, unit="年"
    ),
)

BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}
LAW_KEYS: frozenset[str] = frozenset(p.key for p in PARAMS if p.law)
DEFAULTS: dict[str, Any] = {p.key: p.default for p in PARAMS}


def _annotated(p: Param) -> Any:
    if p.ge is None and p.le is None:
        return p.type
    return Annotated[p.type, Field(ge=p.ge, le=p.le)]


_config = ConfigDict(extra="forbid", frozen=True)
FullParams: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "FullParams", __config__=_config, **{p.key: (_annotated(p), p.default) for p in PARAMS}
)
PartialParams: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "PartialParams", __config__=_config, **{p.key: (_annotated(p) | None, None) for p in PARAMS}
)


def is_percent(p: Param) -> bool:
    return p.key in PERCENT_KEYS


def percent_text(value: Any) -> str:
    """0.20 → "20"; 0.055 → "5.5" (the number of per cent, without the sign)."""
    number = (D(str(value)) * 100).normalize()
    return f"{number:f}"


def percent_value(raw: str) -> str:
    """What a user typed in a percent field ("20", "20%", "20 %", "５.５％") → the stored fraction as
    text ("0.2"); text that is not a number is returned unchanged, for the schema's own message."""
    text = raw.strip().replace("％", "%").rstrip("%").strip()
    try:
        number = D(text)
    except ArithmeticError:
        return raw
    if not number.is_finite():
        return raw
    return f"{(number / 100).normalize():f}"
