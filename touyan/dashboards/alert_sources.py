"""The built-in alert sources of the alerts centre (see `dashboards.alerts`).

Each source reads the region's rows with a fixed number of queries and yields one alert per broken
rule and place (a cadre's attendance shortfall names the cadre: the list is for the township's
officials only, never published).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from touyan.accounts.models import Role
from touyan.affairs import figures as affairs_figures
from touyan.assessment.models import Period, QuarterlyEvaluation
from touyan.assessment.selectors.stats import grade_distribution
from touyan.attendance import rules as attendance_rules
from touyan.cadres.models import Post
from touyan.payroll import rules as pay_rules
from touyan.payroll.rules.params import FloorParams
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions import rules as region_rules
from touyan.regions.models import Region, RegionStat

from . import alerts
from .alerts import Alert
from .figures import mechanisms
from .figures.core import code_range, full_time_by_village, weak_villages
from .structure import TEAM_POSTS

# Days after a quarter's end by which its evaluations are to be final (R-ASMT-01; the performance
# pay of the quarter waits for them, R-PAY-04).
EVALUATION_DAYS = 15
DEPUTY = "deputy"


def attendance_shortfall(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-ATT-01 (A4): each full-time cadre short of the required days in the month before on's
    month; due when the township may lock that month (WF-8, `attendance_lock_day`)."""
    month = mechanisms.previous_month(on)
    lock_day = int(policy_resolve(region.code, month)["attendance_lock_day"])
    due = attendance_rules.lock_opens(month, lock_day)
    for row in mechanisms.attendance_rows(region, month):
        r = row.result
        if r.shortfall_days:
            yield Alert(
                kind="attendance_shortfall",
                rule="R-ATT-01",
                region=row.village_id,
                subject=_("%(name)s(%(village)s)%(m)s 在村 %(p)s 天,应 %(q)s 天,差 %(s)s 天")
                % {
                    "name": row.name,
                    "village": row.village_name,
                    "m": month.strftime("%Y-%m"),
                    "p": r.present_days,
                    "q": r.required_days,
                    "s": r.shortfall_days,
                },
                due_date=due,
                owner_role=Role.TOWNSHIP_OFFICER,
                resolution=_("核实请假、公务外出记录,或在锁定考勤前说明原因"),
            )


def duty_gaps(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-ATT-01 "每天必须有人值班": each village with days in on's month up to `on` that had nobody
    rostered and present; due at once."""
    for g in mechanisms.duty_gaps_until(region, on):
        yield Alert(
            kind="duty_gap",
            rule="R-ATT-01",
            region=g.village,
            subject=_("%(v)s 本月 %(n)s 天无人值班(最近 %(d)s)")
            % {"v": g.name, "n": len(g.days), "d": g.days[-1].isoformat()},
            due_date=None,
            owner_role=Role.TOWNSHIP_OFFICER,
            resolution=_("补排值班并督促到岗签到"),
        )


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last = (dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    return first, last


def evaluations_missing(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-ASMT-01: in the villages where a quarterly period was opened (by their county or township)
    for the last quarter ended before `on`, the full-time cadres in post during that quarter with no
    final evaluation of it, per village; due EVALUATION_DAYS after the quarter's end."""
    year, quarter = mechanisms.latest_quarter(on)
    first, last = quarter_bounds(year, quarter)
    opened = [
        region_rules.prefix_of(code)
        for code in Period.objects.filter(kind=Period.Kind.QUARTER, year=year, number=quarter).values_list(
            "region_id", flat=True
        )
    ]
    prefixes = [p for p in opened if p.startswith(region.prefix) or region.prefix.startswith(p)]
    if not prefixes:
        return
    in_periods = Q()
    for p in prefixes:
        in_periods |= code_range(p)
    posts = (
        Post.objects.filter(code_range(region.prefix), in_periods, full_time=True, post__in=TEAM_POSTS)
        .filter(start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
    )
    held = dict(posts.values_list("person_id", "village_id").order_by())
    done = set(
        QuarterlyEvaluation.objects.filter(
            code_range(region.prefix), year=year, quarter=quarter, status=QuarterlyEvaluation.Status.FINAL
        ).values_list("person_id", flat=True)
    )
    missing: dict[str, int] = defaultdict(int)
    for pid, village in held.items():
        if pid not in done:
            missing[village] += 1
    names = dict(Region.objects.filter(code__in=missing).values_list("code", "name"))
    due = last + dt.timedelta(days=EVALUATION_DAYS)
    for village in sorted(missing):
        yield Alert(
            kind="evaluation_missing",
            rule="R-ASMT-01",
            region=village,
            subject=_("%(v)s %(n)s 名专职干部缺少 %(y)s 年第 %(q)s 季度评价")
            % {"v": names.get(village, village), "n": missing[village], "y": year, "q": quarter},
            due_date=due,
            owner_role=Role.TOWNSHIP_OFFICER,
            resolution=_("完成季度评价并定稿"),
        )


def excellent_over_quota(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-ASMT-03: townships whose 优秀 share of the latest annual assessments (the year of the
    assessment block) exceeds `excellent_max_share`; due at once (before the results are final)."""
    if region.level == region_rules.VILLAGE:
        return
    year = mechanisms.assessment_year(region, on)
    for row in grade_distribution(prefix=region.prefix, year=year):
        if row.over:
            yield Alert(
                kind="excellent_over_quota",
                rule="R-ASMT-03",
                region=row.code,
                subject=_("%(t)s %(y)s 年度“优秀”占 %(s)s%%,超过上限 %(m)s%%")
                % {"t": row.name, "y": year, "s": row.excellent_share, "m": row.max_share_pct},
                due_date=None,
                owner_role=Role.TOWNSHIP_OFFICER,
                resolution=_("按比例调整优秀等次后再定稿"),
            )


def quota_exceeded(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-POS-01: villages with more full-time cadres than `full_time_quota_per_village` (3),
    each village's own quota; due at once (the county's filing desk)."""
    per_village = full_time_by_village(region, on)
    if not per_village:
        return
    policies = policy_resolve_many(list(per_village), on)
    over = {v: n for v, n in per_village.items() if n > int(policies[v]["full_time_quota_per_village"])}
    names = dict(Region.objects.filter(code__in=over).values_list("code", "name"))
    for village in sorted(over):
        quota = int(policies[village]["full_time_quota_per_village"])
        yield Alert(
            kind="quota_exceeded",
            rule="R-POS-01",
            region=village,
            subject=_("%(v)s 专职干部 %(n)s 人,超过核定 %(q)s 人")
            % {"v": names.get(village, village), "n": over[village], "q": quota},
            due_date=None,
            owner_role=Role.ADMIN,
            resolution=_("调整专职岗位,或由县级按工作量核增职数"),
        )


def floors_broken(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-PAY-02: for each county in or above the region (the county of a township or village), the
    posts whose year at 称职 with full attendance under the county's pay policy falls below the
    post's annual floor (42,000 PS/VD, 50,000 one-shoulder); due at once."""
    if region.level in (region_rules.PROVINCE, region_rules.PREFECTURE):
        counties = list(
            Region.objects.filter(code_range(region.prefix, "code"), level=region_rules.COUNTY).values_list(
                "code", "name"
            )
        )
    else:
        county = region.code[:6].ljust(region_rules.CODE_LENGTH, "0")
        counties = list(Region.objects.filter(code=county).values_list("code", "name"))
    if not counties:
        return
    policies = policy_resolve_many([c for c, _n in counties], on)
    incomes = dict(
        RegionStat.objects.filter(region_id__in=[c for c, _n in counties], year=on.year - 1).values_list(
            "region_id", "rural_income_per_capita"
        )
    )
    labels = {"one_shoulder": _("“一肩挑”书记"), "PS": _("党组织书记"), "VD": _("村(居)委会主任")}
    for code, name in counties:
        resolved = policies[code]
        policy = pay_rules.PayPolicy.from_params(resolved)
        floors = FloorParams.of(resolved)
        table = pay_rules.pay_standard(
            policy, {p: floors.of_post(p) for p in pay_rules.POSTS}, incomes.get(code) or Decimal(0), on.year
        )
        for row in table:
            if row.post != DEPUTY and row.breach:
                yield Alert(
                    kind="floor_broken",
                    rule="R-PAY-02",
                    region=code,
                    subject=_("%(c)s %(p)s 年报酬(称职、满勤)%(a)s 元,低于保底 %(f)s 元")
                    % {"c": name, "p": labels.get(row.post, row.post), "a": row.at_competent, "f": row.floor},
                    due_date=None,
                    owner_role=Role.ADMIN,
                    resolution=_("调整报酬标准,使称职满勤年报酬不低于保底"),
                )


def weak_collective(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-PAY-12: villages whose latest collective income on record is below `weak_income`
    (10,000 yuan, the region's policy); the township's to-do, due at once."""
    weak_income = Decimal(policy_resolve(region.code, on)["weak_income"])
    weak = weak_villages(region, on, weak_income)
    names = dict(Region.objects.filter(code__in=weak).values_list("code", "name"))
    for village in sorted(weak):
        yield Alert(
            kind="weak_collective",
            rule="R-PAY-12",
            region=village,
            subject=_("%(v)s 集体经济经营收益低于 %(w)s 元") % {"v": names.get(village, village), "w": weak_income},
            due_date=None,
            owner_role=Role.TOWNSHIP_OFFICER,
            resolution=_("制定集体经济发展计划;书记不作为下届提名人选"),
        )


def disclosures_overdue(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-OPEN-01/02: periodic catalogue items of the last closed period not published by their
    deadline (affairs.disclosures_due), per village and item; owner the village (its cadres). Above
    a county's size (DISCLOSURE_VILLAGE_LIMIT villages), one alert per township with its count
    (affairs.figures.overdue_by_township, set-based); owner the township."""
    state = mechanisms.disclosure_state(region, on)
    if state is None:
        yield from _disclosures_overdue_by_township(region, on)
        return
    subject, resolution = _("%(v)s “%(t)s”(%(p)s)逾期未公开"), _("经监委会审核后公开")
    for d in state.overdue:
        yield Alert(
            kind="disclosure_overdue",
            rule="R-OPEN-02",
            region=d.village.code,
            subject=subject % {"v": d.village.name, "t": d.title, "p": d.period},
            due_date=d.deadline,
            owner_role=Role.CADRE,
            resolution=resolution,
        )


def _disclosures_overdue_by_township(region: Region, on: dt.date) -> Iterable[Alert]:
    counts = affairs_figures.overdue_by_township(region.prefix, on)
    names = dict(Region.objects.filter(code__in=counts).values_list("code", "name"))
    for town in sorted(counts):
        yield Alert(
            kind="disclosure_overdue",
            rule="R-OPEN-02",
            region=town,
            subject=_("%(t)s 所辖村(社区)共 %(n)s 项应公开事项逾期未公开")
            % {"t": names.get(town, town), "n": counts[town]},
            due_date=None,
            owner_role=Role.TOWNSHIP_OFFICER,
            resolution=_("督促各村经监委会审核后公开"),
        )


def objections_unanswered(region: Region, on: dt.date) -> Iterable[Alert]:
    """R-OPEN-03: objections still open after their reply date (`objection_reply_days`, 10)."""
    for village, name, filed, due in affairs_figures.overdue_objections(region.prefix, on):
        yield Alert(
            kind="objection_unanswered",
            rule="R-OPEN-03",
            region=village,
            subject=_("%(v)s 群众异议(%(f)s 提出)逾期未答复") % {"v": name, "f": filed.isoformat()},
            due_date=due,
            owner_role=Role.CADRE,
            resolution=_("答复异议人并记录"),
        )


SOURCES = {
    "attendance_shortfall": attendance_shortfall,
    "duty_gap": duty_gaps,
    "evaluation_missing": evaluations_missing,
    "excellent_over_quota": excellent_over_quota,
    "quota_exceeded": quota_exceeded,
    "floor_broken": floors_broken,
    "weak_collective": weak_collective,
    "disclosure_overdue": disclosures_overdue,
    "objection_unanswered": objections_unanswered,
}


def from_dicts(fn: Callable[[Region, dt.date], Iterable[dict[str, Any]]]) -> alerts.SourceFn:
    """An app's alert source (dicts with Alert's keys: the app may not import dashboards) as one."""

    def source(region: Region, on: dt.date) -> Iterable[Alert]:
        return (Alert(**d) for d in fn(region, on))

    return source


def register_all() -> None:
    """The built-in sources, then those of training and selection (their `figures.ALERTS`)."""
    from touyan.selection import figures as selection_figures
    from touyan.training import figures as training_figures

    for kind, fn in SOURCES.items():
        alerts.register(kind, fn)
    for kind, app_fn in {**training_figures.ALERTS, **selection_figures.ALERTS}.items():
        alerts.register(kind, from_dicts(app_fn))
