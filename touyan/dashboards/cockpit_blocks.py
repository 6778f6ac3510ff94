"""The cockpit's charts of training (R-TRN-01/02/03/06) and selection (R-ELIG-04, R-POS-01/03/04,
R-TRN-07): labels for the figures of `training.figures` and `selection.figures` (the blocks the
dashboards app registers for them), each with its numbers in a table below it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .figures import share

ALERT_KIND_LABELS = {
    "training_shortfall": gettext_lazy("培训未达要求"),
    "certificate_expiring": gettext_lazy("证书即将到期"),
    "reserves_short": gettext_lazy("后备干部不足"),
    "review_overdue": gettext_lazy("联审逾期未反馈"),
    "share_quota_exceeded": gettext_lazy("专业化比例超限"),
}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def training_chart(t: dict[str, Any], chart: Any) -> Any:
    c, r = t["certificates"], t["reserves"]
    return chart(
        "training",
        _("%(y)s 年干部培训与后备干部") % {"y": t["year"]},
        _("事项"),
        _("数量"),
        [
            (_("已参加培训"), t["trained"], _pct(t["trained_share"])),
            (_("培训未达要求"), t["short"], _pct(t["short_share"])),
            (_("后备充足的村"), r["sufficient"], _pct(r["sufficient_share"])),
            (_("后备不足的村"), r["short"], ""),
            (
                _("书记后备人选"),
                r["secretary_reserves"],
                _("应储备 %(n)s 人") % {"n": r["secretary_reserves_required"]},
            ),
            (_("无后备的岗位"), r["posts_without_reserve"], _("一职一备")),
            (_("有效证书"), c["valid"], _("即将到期 %(n)s 本") % {"n": c["expiring"]}),
        ],
        note=_("在任两委干部 %(n)s 人(不含后备干部);培训学时截至统计日期。") % {"n": t["cadres"]},
        horizontal=True,
    )


def selection_chart(s: dict[str, Any], chart: Any) -> Any:
    q = s["quota"]
    return chart(
        "selection",
        _("选用联审与职数比例"),
        _("事项"),
        _("数量"),
        [
            (_("部门联审中的人选"), s["joint_review_cases"], _("在办 %(n)s 件") % {"n": s["open_cases"]}),
            (_("联审待反馈"), s["reviews_open"], ""),
            (_("联审逾期未反馈"), s["reviews_overdue"], _("已提交县级督办")),
            (_("专职干部"), q["full_time"], _("核定 %(n)s 人") % {"n": q["full_time_quota"]}),
            (_("超职数的村"), q["villages_over"], _("每村核定 3 人")),
            (
                _("专业化书记"),
                q["prof_secretaries"],
                _("上限 %(c)s 人(%(s)s)")
                % {"c": q["prof_cap"], "s": _pct(share(q["prof_secretaries"], q["villages"]))},
            ),
            (
                _("年轻专业化干部"),
                q["young"],
                _("上限 %(c)s 人(%(s)s)") % {"c": q["young_cap"], "s": _pct(share(q["young"], q["villages"]))},
            ),
        ],
        note=_("%(y)s 年晋升通道 %(n)s 人;专业化书记上限为各乡镇村数的一半,年轻干部为 30%%。")
        % {"y": s["career_year"], "n": s["career_moves"]["total"]},
        horizontal=True,
    )


def extra_charts(d: dict[str, Any], chart: Any) -> list[Any]:
    out = []
    if d.get("training"):
        out.append(training_chart(d["training"], chart))
    if d.get("selection"):
        out.append(selection_chart(d["selection"], chart))
    return out
