"""The standard reports of the rosters and the newer mechanisms (issue 20 item 4): 花名册, 季度考核汇总,
培训台账, 后备干部名册, 联审结果汇总 — sheets for `reports.write_report` (XLSX) and `reports_pdf` (PDF).

Rosters name cadres (for the officials of the region; the report task checks scope) but never write
an ID number or a phone number. Each sheet reads the region's rows with a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.assessment.models import Grade
from touyan.assessment.selectors.stats import grade_distribution
from touyan.cadres.models import Person, PostCode
from touyan.regions.models import Region
from touyan.selection.models import Case, Review
from touyan.training import selectors as training
from touyan.training.models import Reserve

from .figures import mechanisms
from .figures.core import code_range, team_posts
from .reports import Sheet

POST_LABELS = dict(PostCode.choices)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _names(region: Region) -> dict[str, str]:
    return dict(Region.objects.filter(code_range(region.prefix, "code"), level="village").values_list("code", "name"))


def roster(region: Region, on: dt.date) -> Sheet:
    """花名册: the cockpit's cadres (two-committee posts on `on`, filed in the region), by village: name, gender, age,
    ethnicity, education, political status, posts, full-time."""
    people: dict[int, list[Any]] = {}
    posts: dict[int, list[str]] = defaultdict(list)
    full: set[int] = set()
    genders = dict(Person._meta.get_field("gender").choices or [])
    education = dict(Person._meta.get_field("education").choices or [])
    status = dict(Person._meta.get_field("political_status").choices or [])
    qs = (
        team_posts(region, on)
        .filter(code_range(region.prefix, "person__village_id"))
        .select_related("person", "village")
        .order_by("village_id", "person_id", "post")
    )
    for p in qs:
        person = p.person
        if person.pk not in people:
            people[person.pk] = [
                p.village_id,
                p.village.name,
                person.name,
                str(genders.get(person.gender, person.gender)),
                _age(person.birth_date, on),
                person.ethnicity,
                str(education.get(person.education, person.education)),
                str(status.get(person.political_status, person.political_status)),
            ]
        posts[person.pk].append(str(POST_LABELS.get(p.post, p.post)))
        if p.full_time:
            full.add(person.pk)
    rows = [[*row, "、".join(posts[pk]), _("是") if pk in full else ""] for pk, row in people.items()]
    header = [
        _("区划代码"),
        _("村(社区)"),
        _("姓名"),
        _("性别"),
        _("年龄"),
        _("民族"),
        _("学历"),
        _("政治面貌"),
        _("职务"),
        _("专职"),
    ]
    return Sheet(header, rows, _("%(d)s 在任两委干部,不含身份证号、手机号。") % {"d": on.isoformat()})


def quarterly_summary(region: Region, on: dt.date) -> Sheet:
    """季度考核汇总: each cadre's latest quarterly grade of the last quarter ended before `on`, per
    township (R-ASMT-01)."""
    year, quarter = mechanisms.latest_quarter(on)
    labels = dict(Grade.choices)
    header = [_("区划代码"), _("乡镇(街道)"), *[str(labels[g]) for g in Grade.values], _("合计")]
    rows = [
        [g.code, g.name, *[g.counts.get(k, 0) for k in Grade.values], g.total]
        for g in grade_distribution(prefix=region.prefix, year=year, quarter=quarter)
    ]
    return Sheet(header, rows, _("%(y)s 年第 %(q)s 季度评价(各人最新版本)。") % {"y": year, "q": quarter})


def training_ledger(region: Region, on: dt.date) -> Sheet:
    """培训台账: each cadre's training of on's year up to `on` against the requirements (R-TRN-01/02)."""
    names = _names(region)
    rows = [
        [
            r.village,
            names.get(r.village, r.village),
            r.name,
            "、".join(str(POST_LABELS.get(p, p)) for p in r.posts),
            float(r.hours),
            r.required_hours,
            float(r.prefecture_days),
            r.township_sessions,
            float(r.political_rotation_days),
            ";".join(s.message for s in r.shortfalls),
        ]
        for r in training.compliance(region=region, year=on.year, today=on)
    ]
    header = [
        _("区划代码"),
        _("村(社区)"),
        _("姓名"),
        _("职务"),
        _("学时"),
        _("应达学时"),
        _("州(市)级培训天数"),
        _("乡镇培训次数"),
        _("政治轮训天数"),
        _("未达要求"),
    ]
    return Sheet(header, rows, _("%(y)s 年截至 %(d)s。") % {"y": on.year, "d": on.isoformat()})


def reserve_roster(region: Region, on: dt.date) -> Sheet:
    """后备干部名册: the reserves held on `on` (R-TRN-06), by village and post."""
    sources = dict(Reserve.Source.choices)
    qs = (
        Reserve.objects.filter(code_range(region.prefix), since__lte=on)
        .filter(Q(until__isnull=True) | Q(until__gt=on))
        .select_related("person", "village")
        .order_by("village_id", "target_post", "since", "pk")
    )
    rows = [
        [
            r.village_id,
            r.village.name,
            r.person.name,
            _age(r.person.birth_date, on),
            str(POST_LABELS.get(r.target_post, r.target_post)),
            str(sources.get(r.source, r.source)),
            r.since.isoformat(),
        ]
        for r in qs
    ]
    header = [_("区划代码"), _("村(社区)"), _("姓名"), _("年龄"), _("后备岗位"), _("来源"), _("纳入后备日期")]
    return Sheet(header, rows, _("%(d)s 在库后备干部。") % {"d": on.isoformat()})


def review_summary(region: Region, on: dt.date) -> Sheet:
    """联审结果汇总: each selection case with its departments' opinions (R-ELIG-04): answered of all,
    counts per result, overdue unanswered on `on`."""
    results = Review.Result.values
    per: dict[int, Counter[str]] = defaultdict(Counter)
    for case_id, result, due in Review.objects.filter(code_range(region.prefix, "case__village_id")).values_list(
        "case_id", "result", "due_date"
    ):
        per[case_id][result or ("overdue" if due < on else "pending")] += 1
    states = dict(Case.State.choices)
    labels = dict(Review.Result.choices)
    rows = []
    for c in (
        Case.objects.filter(code_range(region.prefix)).select_related("cadre", "village").order_by("village_id", "pk")
    ):
        n = per[c.pk]
        total = sum(n.values())
        rows.append(
            [
                c.village_id,
                c.village.name,
                c.cadre.name,
                str(states.get(c.state, c.state)),
                total,
                total - n["pending"] - n["overdue"],
                *[n[r] for r in results],
                n["overdue"],
            ]
        )
    header = [
        _("区划代码"),
        _("村(社区)"),
        _("人选"),
        _("状态"),
        _("联审部门"),
        _("已反馈"),
        *[str(labels[r]) for r in results],
        _("逾期未反馈"),
    ]
    return Sheet(header, rows, _("逾期按 %(d)s 计。") % {"d": on.isoformat()})


MORE: tuple[tuple[str, Any, Any], ...] = (
    ("roster", gettext_lazy("花名册"), roster),
    ("quarterly_summary", gettext_lazy("季度考核汇总"), quarterly_summary),
    ("training_ledger", gettext_lazy("培训台账"), training_ledger),
    ("reserve_roster", gettext_lazy("后备干部名册"), reserve_roster),
    ("review_summary", gettext_lazy("联审结果汇总"), review_summary),
)
