"""Pure policy rules: merging documents up the region tree, and the checks a
resolved set of parameters must pass. No ORM here."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from touyan.core import idnumber

from .params import DEFAULTS, LAW_KEYS


@dataclass(frozen=True)
class Layer:
    """One region's effective document: the keys it overrides."""

    region_code: str | None  # None = national document
    document_id: int | None
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Merged:
    values: dict[str, Any]
    sources: dict[str, str | None]  # key → region code that set it; None = SPEC default
    documents: tuple[int, ...] = field(default_factory=tuple)  # ids of the documents used


def merge(layers_nearest_first: Sequence[Layer]) -> Merged:
    """Resolve each key from the nearest region that sets it, else the default.

    [law] keys always keep their default: no document may change them.
    """
    values = dict(DEFAULTS)
    sources: dict[str, str | None] = {k: None for k in DEFAULTS}
    used: list[int] = []
    # Apply the farthest layer first so nearer ones overwrite it.
    for layer in reversed(layers_nearest_first):
        applied = False
        for key, value in layer.params.items():
            if key in DEFAULTS and key not in LAW_KEYS:
                values[key] = value
                sources[key] = layer.region_code
                applied = True
        if applied and layer.document_id is not None:
            used.append(layer.document_id)
    return Merged(values=values, sources=sources, documents=tuple(sorted(used)))


def check_consistency(v: Mapping[str, Any]) -> dict[str, str]:
    """Cross-field checks of a resolved (typed) parameter set; field → message.

    Includes R-PAY-02 / SPEC A6.9: for each head post, base standard plus the
    performance target at 称职 with full attendance must reach the annual floor.
    """
    errors: dict[str, str] = {}
    if v["w_work"] + v["w_demo"] != Decimal("1"):
        errors["w_demo"] = _("工作实绩权重与民主测评权重之和必须为 1")
    if not v["grade_excellent_min"] > v["grade_competent_min"] > v["grade_basic_min"]:
        errors["grade_competent_min"] = _("分数线须满足 优秀 > 称职 > 基本称职")
    if v["competency_exit_below"] > v["competency_admonish_below"]:
        errors["competency_exit_below"] = _("退出线不能高于约谈线")
    if v["pledge_items_min"] > v["pledge_items_max"]:
        errors["pledge_items_min"] = _("承诺事项最少条数不能大于最多条数")
    if v["leave_max_single"] > v["leave_max_year"]:
        errors["leave_max_single"] = _("单次请假上限不能大于年度上限")
    if v["finance_band_1"] > v["finance_band_2"]:
        errors["finance_band_1"] = _("联签金额档次须从小到大")
    if not _rising(v, "departure_pct_{n}", "departure_pct_{n}_continuous_years", "departure_pct_{n}_total_years"):
        errors["departure_pct_2"] = _("离任补贴各档的比例和任职年限须逐档不减(R-PAY-10)")
    brackets = ("departure_bracket_{n}_years", "departure_bracket_{n}_ps", "departure_bracket_{n}_vd")
    if not _rising(v, *brackets, "departure_bracket_{n}_acc"):
        errors["departure_bracket_2_years"] = _("离任补贴年限各档的年限和金额须逐档不减(R-PAY-10)")
    if "id_mask_keep_first" in v and "id_mask_keep_last" in v:
        left = idnumber.mask_candidates(v["id_mask_keep_first"], v["id_mask_keep_last"])
        if left < idnumber.MIN_CANDIDATES:
            errors["id_mask_keep_last"] = _(
                "身份证号显示位数过多:结合性别和年龄只剩约 %(n)d 种可能,至少须保留 %(min)d 种(R-DATA-05)"
            ) % {"n": left, "min": idnumber.MIN_CANDIDATES}
    for standard_key, floor_key, label in (
        ("base_standard_one_shoulder", "annual_floor_one_shoulder", _("一肩挑")),
        ("base_standard_ps", "annual_floor_ps", _("书记")),
        ("base_standard_vd", "annual_floor_vd", _("主任")),
    ):
        annual = annual_pay_at_competent(v[standard_key], v["perf_share"], v["grade_factor_competent"])
        if annual < v[floor_key]:
            errors[standard_key] = _("%(post)s称职且满勤的年报酬 %(annual)s 元低于下限 %(floor)s 元(R-PAY-02)") % {
                "post": label,
                "annual": f"{annual:.2f}",
                "floor": f"{v[floor_key]:.2f}",
            }
    return errors


def _rising(v: Mapping[str, Any], *patterns: str) -> bool:
    """Levels 1 → 3 of a table of parameters never decrease, column by column."""
    levels = [[v[p.format(n=n)] for p in patterns] for n in (1, 2, 3)]
    return all(b[i] >= a[i] for a, b in itertools.pairwise(levels) for i in range(len(patterns)))


def perf_target_annual(base_annual: Decimal, perf_share: Decimal) -> Decimal:
    """SPEC A6.5: the year's performance target, base × share / (1 − share): performance is `share` of
    the year's pay (base + performance). The one formula the pay run and the floor check use."""
    return base_annual * perf_share / (Decimal(1) - perf_share)


def annual_pay_at_competent(base_annual: Decimal, perf_share: Decimal, grade_factor: Decimal) -> Decimal:
    """base + perf_target × factor(称职) (SPEC A6.5, R-PAY-02)."""
    return base_annual + perf_target_annual(base_annual, perf_share) * grade_factor
