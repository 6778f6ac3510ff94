"""Status tags of the assessment pages: the colour (Bootstrap tone) and the page's label of every
assessment state, in one place. Templates draw them with `{% state_tag kind state %}` and
`{{ state|tone:kind }}` (`templatetags/assessment_tags.py`); nothing else names a colour for a state."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import rules

Tag = tuple[str, "str | Promise"]  # (tone, label)

TAGS: dict[str, dict[str, Tag]] = {
    # WF-5 periods: the model's labels (评分中 / 公示中 / 已定稿).
    "period": {
        "open": ("primary", _("评分中")),
        "publicised": ("warning", _("公示中")),
        "final": ("success", _("已定稿")),
    },
    # A cadre's quarter on a board (selectors.QuarterState.key).
    "quarter": {
        "none": ("warning", _("未评分")),
        "draft": ("secondary", _("草稿")),
        "correcting": ("info", _("更正中")),
        "final": ("success", _("已定稿")),
    },
    "grade": {
        rules.EXCELLENT: ("success", _("优秀")),
        rules.COMPETENT: ("primary", _("称职")),
        rules.BASIC: ("warning", _("基本称职")),
        rules.INCOMPETENT: ("danger", _("不称职")),
    },
    "annual": {"computed": ("secondary", _("已计算")), "final": ("success", _("已定稿"))},
    "outcome": {
        "none": ("warning", _("未测评")),
        rules.OK: ("success", _("胜任")),
        rules.ADMONISH: ("warning", _("约谈")),
        rules.EXIT: ("danger", _("退出职业化管理")),
    },
    "pledge": {
        "none": ("light", _("未填写承诺")),
        "drafting": ("secondary", _("起草中")),
        "vetting": ("warning", _("待乡镇审核")),
        "publicised": ("primary", _("已公示,待年中报告")),
        "midyear": ("info", _("年中已报告")),
        "yearend": ("info", _("已述诺,待评议")),
        "scored": ("success", _("已评议")),
        "withdrawn": ("dark", _("已撤回")),
    },
    "target": {
        "draft": ("secondary", _("书记已起草,待评审")),
        "reviewed": ("warning", _("已评审,待公示")),
        "publicised": ("primary", _("已公示,待备案")),
        "filed": ("info", _("已备案,待年终核查")),
        "assessed": ("success", _("已核查")),
    },
    # R-ASMT-03: a township's 优秀 share against `excellent_max_share`.
    "quota": {"over": ("danger", _("超出上限")), "within": ("success", _("符合"))},
}
UNKNOWN: Tag = ("secondary", "")


def tag(kind: str, state: str) -> Tag:
    return TAGS[kind].get(state, UNKNOWN)


def tone(kind: str, state: str) -> str:
    return tag(kind, state)[0]


def label(kind: str, state: str) -> str:
    return str(tag(kind, state)[1])
