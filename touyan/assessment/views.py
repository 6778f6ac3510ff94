"""Assessment pages (考核评价): periods (WF-5), the township's quarterly board (R-ASMT-01), the annual
assessment with ballot tallies (R-ASMT-02…05), competency ballots (R-ASMT-07, WF-7), pledges and
targets (R-ASMT-06/08, WF-6), the cadre's own page, pioneer points (R-PTY-01/02), stars (R-PTY-03)
and the county's grade distribution (R-ASMT-03).

Thin: reads are selectors, writes are services; every page is scoped through `access_region`
(404 outside the scope) and the services' own checks. Rankings appear only on officers' pages
(SPEC A4): never on the cadre's page, never by attendance or points.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import in_scope, require
from touyan.cadres.models import PostCode
from touyan.core.errors import Conflict, DomainError, InvalidInput, NotFound
from touyan.core.views import AuthedRequest, crumbs, web_errors
from touyan.dashboards.navigation import current_region
from touyan.policy.selectors import policy_resolve
from touyan.regions import rules as region_rules
from touyan.regions.models import LEVEL_CHOICES, Region
from touyan.regions.selectors import access_region

from . import rules, selectors, services
from .forms import (
    PIONEER_LABELS,
    PIONEER_SHORT,
    AnnualForm,
    CadreForm,
    CompetencyForm,
    CorrectionForm,
    DistributionForm,
    PeriodOpenForm,
    PioneerForm,
    PledgeForm,
    PledgeReviewForm,
    QuarterlyScoresForm,
    ReasonForm,
    ReportForm,
    StarForm,
    TargetAssessForm,
    TargetForm,
)
from .models import (
    AnnualAssessment,
    CompetencyEvaluation,
    Consequence,
    Period,
    PioneerEntry,
    Pledge,
    QuarterlyEvaluation,
    StarRating,
    TargetPlan,
)

GRADE_TONE = {
    rules.EXCELLENT: "success",
    rules.COMPETENT: "primary",
    rules.BASIC: "warning",
    rules.INCOMPETENT: "danger",
}
GRADE_LABEL = {
    rules.EXCELLENT: gettext_lazy("优秀"),
    rules.COMPETENT: gettext_lazy("称职"),
    rules.BASIC: gettext_lazy("基本称职"),
    rules.INCOMPETENT: gettext_lazy("不称职"),
}
OUTCOME = {
    rules.OK: (gettext_lazy("胜任"), "success"),
    rules.ADMONISH: (gettext_lazy("约谈"), "warning"),
    rules.EXIT: (gettext_lazy("退出职业化管理"), "danger"),
}
QUARTER_LABEL = {
    1: gettext_lazy("第一季度"),
    2: gettext_lazy("第二季度"),
    3: gettext_lazy("第三季度"),
    4: gettext_lazy("第四季度"),
}
HALF_LABEL = {1: gettext_lazy("上半年"), 2: gettext_lazy("下半年")}
HIGHER = (region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY)
# The township's pages also open for one village: a liaison bound to villages sees those villages.
UNITS = (region_rules.TOWNSHIP, region_rules.VILLAGE)


# --- helpers ------------------------------------------------------------------------------------------------------


def _region(actor: Any, code: str, *levels: str) -> Region:
    """The region if it is in scope and at one of the levels; else NotFound (a 404 page)."""
    try:
        region = access_region(actor=actor, code=code)
    except InvalidInput as exc:
        raise NotFound(_("未找到该区域")) from exc
    if levels and region.level not in levels:
        raise NotFound(_("该页面需要选择%(levels)s") % {"levels": "、".join(_level_label(lv) for lv in levels)})
    return region


def _level_label(level: str) -> str:
    return str(dict(LEVEL_CHOICES)[level])


def _int(raw: str | None) -> int | None:
    """A positive id or year from the query or a form, or None (never a 500 on junk)."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise NotFound(_("年份无效"))
    return year


def _sees_ranking(user: Any) -> bool:
    """Rankings within a township are for the township Party committee and the organisation
    department only (SPEC A4): not liaisons' working lists, never cadres or the public."""
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER))


def _apply(form: Any, exc: DomainError, field_map: dict[str, str] | None = None) -> None:
    """A service's errors beside the form's fields (or above the form)."""
    for field, msgs in exc.field_errors().items():
        name = (field_map or {}).get(field, field)
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)


def _posts(codes: tuple[str, ...]) -> str:
    return "、".join(str(PostCode(c).label) for c in codes if c in PostCode.values)


def _member(rows: list[selectors.Member], cadre_id: int | None) -> selectors.Member:
    found = next((m for m in rows if m.person_id == cadre_id), None)
    if found is None:
        raise NotFound(_("未找到该干部,或其不在本页名单中"))
    return found


def _cadre_id(request: AuthedRequest) -> int | None:
    form = CadreForm(request.POST if request.method == "POST" else request.GET)
    return form.cleaned_data["cadre"] if form.is_valid() else None


def _back(request: AuthedRequest, anchor: str = "") -> HttpResponse:
    return redirect(request.path + (f"?{request.GET.urlencode()}" if request.GET else "") + anchor)


def _first_error(exc: DomainError) -> str:
    return " ".join(m for msgs in exc.field_errors().values() for m in msgs)


def _head(region: Region, title: Any) -> list[dict[str, Any]]:
    return crumbs((_("考核评价"), None), (title, None), (region.name, None))


# --- entry points from the menu: the current region ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    title: Any
    capability: str
    level: str  # the level the page is about


ENTRIES = {
    "periods": Entry(gettext_lazy("考核期"), account_rules.POLICY_WRITE, region_rules.COUNTY),
    "quarterly": Entry(gettext_lazy("季度评价"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "annual": Entry(gettext_lazy("年度考核"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "competency": Entry(gettext_lazy("胜任度测评"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "pledges": Entry(gettext_lazy("承诺与目标"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "pioneer": Entry(gettext_lazy("先锋指数"), account_rules.ASSESS, region_rules.VILLAGE),
    "stars": Entry(gettext_lazy("星级评定"), account_rules.ASSESS, region_rules.TOWNSHIP),
    "distribution": Entry(gettext_lazy("等次分布"), account_rules.POLICY_WRITE, region_rules.COUNTY),
}


def _page_url(page: str, code: str, today: dt.date) -> str:
    year = today.year
    args: tuple[Any, ...] = (code, year)
    if page == "quarterly":
        args = (code, year, (today.month - 1) // 3 + 1)
    elif page == "competency":
        args = (code, year, 1 if today.month <= 6 else 2)
    elif page == "periods":
        args = (code,)
    return reverse(f"assessment:{page}", args=args)


@login_required
@web_errors
def entry(request: AuthedRequest, page: str) -> HttpResponse:
    """The menu's link: the page for the current region, or a choice of the regions under it."""
    spec = ENTRIES[page]
    require(request.user, spec.capability)
    region = current_region(request)
    if region is None:
        return redirect("regions:switch")
    today = timezone.localdate()
    want = region_rules.LEVELS.index(spec.level)
    have = region_rules.LEVELS.index(region.level)
    if page in ("periods", "distribution") and have <= want:
        return redirect(_page_url(page, region.code, today))
    if have >= want:
        code = region.code[: region_rules.PREFIX_LENGTH[spec.level]].ljust(region_rules.CODE_LENGTH, "0")
        if not in_scope(request.user, code) and page in ("quarterly", "annual", "competency", "pledges"):
            code = region.code  # a liaison bound to a village: that village's page
        return redirect(_page_url(page, code, today))
    options = list(
        Region.objects.filter(code__startswith=region.prefix, level=spec.level)
        .select_related("parent")
        .order_by("code")[:800]
    )
    groups: dict[str, list[dict[str, str]]] = {}
    for r in options:
        label = r.parent.name if r.parent else ""
        groups.setdefault(label, []).append({"name": r.name, "url": _page_url(page, r.code, today)})
    return render(request, "assessment/choose.html", {
        "title": spec.title, "region": region, "groups": groups, "level_label": _level_label(spec.level),
        "breadcrumbs": crumbs((_("考核评价"), None), (spec.title, None)),
    })  # fmt: skip


# --- 1. periods (county admin, WF-5) --------------------------------------------------------------------------------


@login_required
@web_errors
def periods(request: AuthedRequest, code: str) -> HttpResponse:
    """WF-5: open a period, move it open → 公示 (appeal window) → 定稿, or back to 评分 on appeal."""
    require(request.user, account_rules.POLICY_WRITE)
    region = _region(request.user, code)
    if region.level not in HIGHER:
        return redirect("assessment:periods", code=region.code[:6].ljust(12, "0"))
    today = timezone.localdate()
    form = PeriodOpenForm(initial={"year": today.year, "which": f"quarter-{(today.month - 1) // 3 + 1}"})
    action = request.POST.get("action")
    if request.method == "POST" and action == "open":
        form = PeriodOpenForm(request.POST)
        if form.is_valid():
            kind, number = form.kind_number()
            try:
                services.period_open(actor=request.user, region_code=region.code, kind=kind,
                                     year=form.cleaned_data["year"], number=number)  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                _apply(form, exc, {"number": "which", "kind": "which"})
            else:
                messages.success(request, _("已开启考核期"))
                return _back(request)
    elif request.method == "POST" and action == "advance":
        raw_id = request.POST.get("period", "")
        period = Period.objects.filter(pk=_int(raw_id) or 0, region=region).first()
        if period is None:
            raise NotFound(_("未找到该考核期"))
        try:
            services.period_advance(actor=request.user, period_id=period.pk, to=request.POST.get("to", ""))
        except InvalidInput as exc:
            messages.error(request, _first_error(exc))
        else:
            messages.success(request, _("考核期状态已更新"))
        return _back(request)
    items = list(Period.objects.filter(region=region).select_related("opened_by").order_by("-year", "kind", "number"))
    progress = selectors.periods_progress(prefix=region.prefix, years={p.year for p in items if p.kind == "quarter"})
    rows = []
    for p in items:
        if p.kind == "quarter":
            label = _("%(y)s年%(q)s评价") % {"y": p.year, "q": QUARTER_LABEL[p.number]}
        elif p.kind == "half":
            label = _("%(y)s年%(h)s胜任度评价") % {"y": p.year, "h": HALF_LABEL[p.number]}
        else:
            label = _("%(y)s年度考核") % {"y": p.year}
        rows.append({
            "p": p, "label": label, "progress": progress.get((p.year, p.number)) if p.kind == "quarter" else None,
            "appeal_open": p.appeal_until is not None and p.appeal_until >= today,
            "days_left": (p.appeal_until - today).days if p.appeal_until else None,
        })  # fmt: skip
    appeal_days = policy_resolve(region.code)["appeal_days"]
    return render(request, "assessment/periods.html", {
        "region": region, "rows": rows, "form": form, "appeal_days": appeal_days,
        "appeal_until": today + dt.timedelta(days=appeal_days),
        "breadcrumbs": _head(region, _("考核期")),
    })  # fmt: skip


# --- 2. the quarterly board (township, R-ASMT-01) ------------------------------------------------------------------


@login_required
@web_errors
def quarterly(request: AuthedRequest, code: str, year: int, quarter: int) -> HttpResponse:
    """R-ASMT-01 (S0 季评价): every full-time cadre of the township, the quarter's attendance beside the
    score, drafts saved in bulk, finalized with confirmation, final ones corrected with a reason."""
    require(request.user, account_rules.ASSESS)
    township = _region(request.user, code, *UNITS)
    _year(year)
    if quarter not in (1, 2, 3, 4):
        raise NotFound(_("季度为 1–4"))
    prefix = township.prefix
    first, last = selectors.quarter_span(year, quarter)
    also = selectors.assessed_in(QuarterlyEvaluation, prefix=prefix, year=year, quarter=quarter)
    people = selectors.members(prefix=prefix, first=first, last=last, full_time=True, also=also)
    ids = [m.person_id for m in people]
    states = selectors.quarter_states(ids, year, [quarter])

    def state(pid: int) -> selectors.QuarterState:
        return states.get((pid, quarter), selectors.QuarterState())

    editable = [pid for pid in ids if (c := state(pid).current) is None or c.status == "draft"]
    drafts = {pid: s.current.score for pid in editable if (s := state(pid)).current is not None}
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and request.POST.get("finalize"):
        action = "finalize"  # a row's 定稿 button carries the cadre as its value
    scores = QuarterlyScoresForm(
        request.POST if action in ("save", "finalize", "finalize_all") else None,
        person_ids=editable, initial_scores=drafts,
    )  # fmt: skip
    correction = CorrectionForm()
    correcting: int | None = None
    if action in ("save", "finalize", "finalize_all"):
        saved = 0
        changed = scores.changed_scores(drafts) if scores.is_valid() else {}
        for pid, value in changed.items():
            try:
                services.quarterly_score(actor=request.user, cadre_id=pid, year=year, quarter=quarter, score=value)
            except (InvalidInput, Conflict) as exc:
                scores.add_error(f"score-{pid}", _first_error(exc))
            else:
                saved += 1
        if not scores.errors:
            done = 0
            if action == "finalize":
                raw = request.POST.get("finalize") or request.POST.get("cadre") or ""
                member = _member(people, _int(raw))
                current = selectors.current_quarterly(member.person_id, year, quarter)
                if current is None:
                    messages.error(request, _("%(n)s 还没有分数,请先填写并保存") % {"n": member.name})
                else:
                    services.quarterly_finalize(actor=request.user, evaluation_id=current.pk)
                    done = 1
            elif action == "finalize_all":
                fresh = selectors.quarter_states(ids, year, [quarter])
                draft_ids = [
                    s.current.pk for s in fresh.values() if s.current is not None and s.current.status == "draft"
                ]
                done = services.quarterly_finalize_many(actor=request.user, evaluation_ids=draft_ids)
            if saved:
                messages.success(request, _("已保存 %(n)s 人的分数(草稿)") % {"n": saved})
            if done:
                messages.success(request, _("已定稿 %(n)s 人") % {"n": done})
            if not saved and not done and action == "save":
                messages.info(request, _("没有修改的分数"))
            return _back(request)
        messages.error(request, _("部分分数未保存,请检查标红的输入框"))
    elif action == "correct":
        correction = CorrectionForm(request.POST)
        if correction.is_valid():
            member = _member(people, correction.cleaned_data["cadre"])
            correcting = member.person_id
            current = state(member.person_id).current
            if current is None or current.status != QuarterlyEvaluation.Status.FINAL:
                correction.add_error("score", _("该季度评价尚未定稿,可直接在分数栏修改"))
            else:
                try:
                    services.quarterly_correct(actor=request.user, evaluation_id=current.pk,
                                               score=correction.cleaned_data["score"],
                                               reason=correction.cleaned_data["reason"])  # fmt: skip
                except (InvalidInput, Conflict) as exc:
                    _apply(correction, exc, {"version": "score", "status": "score"})
                else:
                    messages.success(request, _("已提交更正(新版本为草稿,核对后请再定稿)"))
                    return _back(request)
        else:
            correcting = _cadre_id(request)
    elif action is not None:
        messages.error(request, _("无法识别的操作"))
        return _back(request)

    attendance = selectors.quarter_attendance(prefix=prefix, year=year, quarter=quarter, today=timezone.localdate())
    months = [m for m in selectors.QUARTER_MONTHS[quarter] if dt.date(year, m, 1) <= timezone.localdate()]
    counts = dict.fromkeys(rules.GRADES, 0)
    final = 0
    rows: list[dict[str, Any]] = []
    for m in people:
        s = state(m.person_id)
        final += s.current is not None and s.current.status == "final"
        att = attendance.get(m.person_id, [])
        present, required = sum(a.present for a in att), sum(a.required for a in att)
        if s.current is not None:
            counts[s.current.grade] += 1
        rows.append({
            "m": m, "posts": _posts(m.posts), "s": s, "att": att,
            "present": present, "required": required, "short": bool(att) and present < required,
            "field": scores[f"score-{m.person_id}"] if m.person_id in editable else None,
            "tone": GRADE_TONE.get(s.current.grade, "secondary") if s.current else "",
            "correcting": s.current is not None and s.current.status == "draft" and s.current.version > 1,
            "open_correction": correcting == m.person_id,
        })  # fmt: skip
    scored = sum(counts.values())
    period = selectors.period_for(township.code, kind="quarter", year=year, number=quarter)
    return render(request, "assessment/quarterly.html", {
        "township": township, "year": year, "quarter": quarter, "quarter_label": QUARTER_LABEL[quarter],
        "rows": rows, "months": months, "scores": scores, "correction": correction,
        "grades": [(GRADE_LABEL[g], counts[g], GRADE_TONE[g]) for g in rules.GRADES],
        "missing": len(rows) - scored, "scored": scored, "final": final, "drafts": scored - final,
        "period": period, "quarters": [(q, QUARTER_LABEL[q]) for q in (1, 2, 3, 4)],
        "breadcrumbs": _head(township, _("季度评价")),
    })  # fmt: skip


# --- 3. the annual assessment (township, R-ASMT-02…05) -------------------------------------------------------------


def _explain(annual: AnnualAssessment, quarter_scores: list[Decimal], tallies: list[Any]) -> list[str]:
    """The arithmetic of R-ASMT-02/04 in words, from the stored result and the policy it used."""
    policy = policy_resolve(annual.village_id, dt.date(annual.year, 12, 31))
    total = rules.Tally()
    for t in tallies:
        total = total + rules.Tally(t.excellent, t.competent, t.basic, t.incompetent)
    parts = " + ".join(format(s.normalize(), "f") for s in quarter_scores)
    adj = annual.target_adjustment
    work = _("工作实绩 = (%(parts)s) ÷ %(n)s") % {"parts": parts, "n": len(quarter_scores)}
    if adj:
        work += _(" %(sign)s 年终目标核查调整 %(v)s") % {"sign": "+" if adj > 0 else "−", "v": abs(adj)}
    lines = [f"{work} = {annual.work_score}"]
    demo = rules.democratic(total)
    lines.append(
        _("民主测评 = (100×%(a)s + 80×%(b)s + 60×%(c)s + 0×%(d)s) ÷ %(v)s 张有效票 = %(s)s;满意率(优秀+称职)%(p)s%%")
        % {"a": total.excellent, "b": total.competent, "c": total.basic, "d": total.incompetent, "v": total.valid,
           "s": annual.demo_score, "p": (demo.satisfaction * 100).quantize(Decimal("0.1"))}
    )  # fmt: skip
    line = _("总分 = %(ww)s × %(w)s + %(wd)s × %(d)s") % {
        "ww": policy["w_work"], "w": annual.work_score, "wd": policy["w_demo"], "d": annual.demo_score,
    }  # fmt: skip
    if annual.bonus:
        line += _(" + 加分 %(b)s") % {"b": annual.bonus}
    if annual.penalty:
        line += _(" − 扣分 %(p)s") % {"p": annual.penalty}
    lines.append(f"{line} = {annual.total}")
    bands = rules.Bands(policy["grade_excellent_min"], policy["grade_competent_min"], policy["grade_basic_min"])
    if demo.forced_incompetent:
        lines.append(_("满意率低于 %(m)s%%,按规定定为不称职") % {"m": policy["demo_satisfaction_min"] * 100})
    else:
        lines.append(
            _("等次:%(g)s(优秀 ≥ %(e)s,称职 ≥ %(c)s,基本称职 ≥ %(b)s,其余为不称职)")
            % {"g": GRADE_LABEL[annual.grade], "e": bands.excellent_min, "c": bands.competent_min, "b": bands.basic_min}
        )
    if demo.admonition:
        lines.append(
            _("不称职票占 %(p)s%%,达到约谈比例") % {"p": (demo.unqualified_share * 100).quantize(Decimal("0.1"))}
        )
    return lines


@login_required
@web_errors
def annual(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """R-ASMT-02…05: per cadre the four quarters, the ballot tallies per rater group, the computed
    result with its arithmetic, finalization and the consequences to carry out; the township's
    ranking for officers only (SPEC A4)."""
    require(request.user, account_rules.ASSESS)
    township = _region(request.user, code, *UNITS)
    _year(year)
    prefix = township.prefix
    also = selectors.assessed_in(AnnualAssessment, prefix=prefix, year=year)
    people = selectors.members(prefix=prefix, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), full_time=True,
                               also=also)  # fmt: skip
    ids = [m.person_id for m in people]
    states = selectors.quarter_states(ids, year)
    annuals = {a.person_id: a for a in AnnualAssessment.objects.filter(person_id__in=ids, year=year)}
    raw = request.POST.get("cadre") if request.method == "POST" else request.GET.get("cadre")
    selected = _member(people, _cadre_id(request)) if raw else None
    action = request.POST.get("action") if request.method == "POST" else None
    form: AnnualForm | None = None
    if selected is not None:
        existing = annuals.get(selected.person_id)
        initial: dict[str, Any] = {"cadre": selected.person_id}
        if existing is not None:
            initial |= {"bonus": existing.bonus, "penalty": existing.penalty,
                        "target_adjustment": existing.target_adjustment}  # fmt: skip
            for t in existing.tallies.all():
                initial |= {f"{t.group}-excellent": t.excellent, f"{t.group}-competent": t.competent,
                            f"{t.group}-basic": t.basic, f"{t.group}-incompetent": t.incompetent}  # fmt: skip
        form = AnnualForm(request.POST if action == "compute" else None, initial=initial)
    if action == "compute" and form is not None and selected is not None:
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.annual_compute(
                    actor=request.user, cadre_id=selected.person_id, year=year,
                    tallies={g: rules.Tally(*t) for g, t in form.tallies().items()},
                    bonus=d["bonus"] or Decimal(0), penalty=d["penalty"] or Decimal(0),
                    target_adjustment=d["target_adjustment"] or Decimal(0),
                )  # fmt: skip
            except (InvalidInput, Conflict) as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("已计算 %(n)s 的年度考核结果,请核对后定稿") % {"n": selected.name})
                return redirect(f"{request.path}?cadre={selected.person_id}#result")
    elif action == "finalize" and selected is not None:
        existing = annuals.get(selected.person_id)
        if existing is None:
            messages.error(request, _("请先录入测评票数并计算"))
        else:
            services.annual_finalize(actor=request.user, annual_id=existing.pk)
            messages.success(request, _("%(n)s 的年度考核已定稿;后续事项见页面下方") % {"n": selected.name})
        return redirect(f"{request.path}?cadre={selected.person_id}#result")
    elif action == "done":
        raw_id = request.POST.get("consequence", "")
        item = Consequence.objects.filter(pk=_int(raw_id) or 0, village__code__startswith=prefix).first()
        if item is None:
            raise NotFound(_("未找到该事项"))
        services.consequence_done(actor=request.user, consequence_id=item.pk, note=request.POST.get("note", "")[:300])
        messages.success(request, _("已办结"))
        return redirect(f"{request.path}#consequences")
    elif action is not None and selected is None:
        raise NotFound(_("请选择干部"))

    rows = []
    for m in people:
        quarters = [states.get((m.person_id, q), selectors.QuarterState()) for q in (1, 2, 3, 4)]
        a = annuals.get(m.person_id)
        rows.append({
            "m": m, "posts": _posts(m.posts), "quarters": quarters, "a": a,
            "ready": all(s.current is not None and s.current.status == "final" for s in quarters),
            "tone": GRADE_TONE.get(a.grade, "") if a else "", "selected": selected is not None and selected == m,
        })  # fmt: skip
    detail = None
    if selected is not None:
        quarters = [states.get((selected.person_id, q), selectors.QuarterState()) for q in (1, 2, 3, 4)]
        missing = [str(QUARTER_LABEL[q]) for q, s in zip((1, 2, 3, 4), quarters, strict=True)
                   if s.current is None or s.current.status != "final"]  # fmt: skip
        a = annuals.get(selected.person_id)
        detail = {
            "m": selected, "posts": _posts(selected.posts),
            "quarters": [(QUARTER_LABEL[q], s) for q, s in zip((1, 2, 3, 4), quarters, strict=True)],
            "first_missing": next((q for q, s in zip((1, 2, 3, 4), quarters, strict=True)
                                   if s.current is None or s.current.status != "final"), 1),
            "missing": "、".join(missing), "a": a, "tone": GRADE_TONE.get(a.grade, "") if a else "",
            "explain": _explain(a, [s.current.score for s in quarters if s.current is not None], list(a.tallies.all()))
            if a is not None and not missing else [],
        }  # fmt: skip
    ranking = []
    sees_ranking = _sees_ranking(request.user) and township.level == region_rules.TOWNSHIP
    if sees_ranking:
        names = {m.person_id: m for m in people}
        for pid, total, rank in selectors.township_ranking(township_prefix=prefix, year=year):
            a = annuals.get(pid)
            ranking.append({"rank": rank, "m": names.get(pid), "total": total,
                            "grade": GRADE_LABEL[a.grade] if a else ""})  # fmt: skip
    consequences = list(selectors.consequences_for(prefix=prefix, year=year))
    return render(request, "assessment/annual.html", {
        "township": township, "year": year, "rows": rows, "detail": detail, "form": form, "ranking": ranking,
        "sees_ranking": sees_ranking, "consequences": consequences,
        "open_consequences": sum(1 for c in consequences if c.done_at is None),
        "breadcrumbs": _head(township, _("年度考核")),
    })  # fmt: skip


# --- 4. competency ballots (township, R-ASMT-07, WF-7) --------------------------------------------------------------


@login_required
@web_errors
def competency(request: AuthedRequest, code: str, year: int, half: int) -> HttpResponse:
    """WF-7 / R-ASMT-07 (S2 第十二条): tallies of professionalized secretaries; rate = 胜任 ÷ valid votes
    of Party members and representatives; an outcome that ends professional status is confirmed first."""
    require(request.user, account_rules.ASSESS)
    township = _region(request.user, code, *UNITS)
    _year(year)
    if half not in (1, 2):
        raise NotFound(_("半年为 1 或 2"))
    prefix = township.prefix
    first, last = selectors.half_span(year, half)
    also = selectors.assessed_in(CompetencyEvaluation, prefix=prefix, year=year, half=half)
    people = selectors.members(prefix=prefix, first=first, last=last, professionalized=True, also=also)
    ids = [m.person_id for m in people]
    evaluations = {e.person_id: e for e in CompetencyEvaluation.objects.filter(person_id__in=ids, year=year, half=half)}
    raw = request.POST.get("cadre") if request.method == "POST" else request.GET.get("cadre")
    if request.method == "POST" and raw and _cadre_id(request) not in ids:
        messages.error(request, _("该干部不在本乡镇(街道)本半年的专业化管理名单中,未记录"))
        return redirect(request.path)
    selected = _member(people, _cadre_id(request)) if raw else None
    form = CompetencyForm(initial={"cadre": selected.person_id}) if selected is not None else None
    confirm: dict[str, Any] | None = None
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "record" and selected is not None:
        form = CompetencyForm(request.POST)
        if form.is_valid():
            tallies = {g: rules.CompetencyTally(*t) for g, t in form.tallies().items()}
            policy = policy_resolve(selected.village_id, dt.date(year, half * 6, 1))
            rate, outcome = rules.competency(
                tallies.get("party_members", rules.CompetencyTally()),
                tallies.get("representatives", rules.CompetencyTally()),
                count_basic_as_competent=policy["count_basic_as_competent"],
                admonish_below=policy["competency_admonish_below"], exit_below=policy["competency_exit_below"],
            )  # fmt: skip
            today = timezone.localdate()
            first_of_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
            if outcome == rules.EXIT and not form.cleaned_data["confirm_exit"]:
                confirm = {"rate": (rate * 100).quantize(Decimal("0.01")), "from": first_of_next,
                           "below": policy["competency_exit_below"] * 100}  # fmt: skip
            else:
                try:
                    ev = services.competency_record(actor=request.user, cadre_id=selected.person_id, year=year,
                                                    half=half, tallies=tallies)  # fmt: skip
                except (InvalidInput, Conflict) as exc:
                    _apply(form, exc)
                else:
                    label, _tone = OUTCOME[ev.outcome]
                    messages.success(request, _("已记录 %(n)s 的胜任度测评:胜任率 %(r)s%%,结果:%(o)s") % {
                        "n": selected.name, "r": (ev.rate * 100).quantize(Decimal("0.01")), "o": label})  # fmt: skip
                    return redirect(request.path)
    elif action is not None and selected is None:
        raise NotFound(_("请选择干部"))
    rows = []
    for m in people:
        e = evaluations.get(m.person_id)
        rows.append({
            "m": m, "posts": _posts(m.posts), "e": e, "rate": (e.rate * 100).quantize(Decimal("0.01")) if e else None,
            "outcome": OUTCOME.get(e.outcome) if e else None, "selected": selected == m,
        })  # fmt: skip
    policy = policy_resolve(township.code, dt.date(year, half * 6, 1))
    return render(request, "assessment/competency.html", {
        "township": township, "year": year, "half": half, "half_label": HALF_LABEL[half], "rows": rows,
        "selected": selected, "selected_eval": evaluations.get(selected.person_id) if selected else None,
        "form": form, "confirm": confirm, "admonish_below": policy["competency_admonish_below"] * 100,
        "exit_below": policy["competency_exit_below"] * 100, "basic_counts": policy["count_basic_as_competent"],
        "consequences": [c for c in selectors.consequences_for(prefix=prefix, year=year)
                         if c.source == f"competency:{year}H{half}"],
        "breadcrumbs": _head(township, _("胜任度测评")),
    })  # fmt: skip


# --- 5. pledges and targets: the township's desk (WF-6, R-ASMT-06/08) -----------------------------------------------

PLEDGE_TONE = {"drafting": "secondary", "vetting": "warning", "publicised": "primary", "midyear": "info",
               "yearend": "info", "scored": "success", "withdrawn": "dark"}  # fmt: skip
TARGET_TONE = {"draft": "secondary", "reviewed": "warning", "publicised": "primary", "filed": "info",
               "assessed": "success"}  # fmt: skip
PLEDGE_LABEL = {"drafting": gettext_lazy("起草中"), "vetting": gettext_lazy("待乡镇审核"),
                "publicised": gettext_lazy("已公示,待年中报告"), "midyear": gettext_lazy("年中已报告"),
                "yearend": gettext_lazy("已述诺,待评议"), "scored": gettext_lazy("已评议"),
                "withdrawn": gettext_lazy("已撤回")}  # fmt: skip
TARGET_LABEL = {"draft": gettext_lazy("书记已起草,待评审"), "reviewed": gettext_lazy("已评审,待公示"),
                "publicised": gettext_lazy("已公示,待备案"), "filed": gettext_lazy("已备案,待年终核查"),
                "assessed": gettext_lazy("已核查")}  # fmt: skip
TARGET_NEXT = {"draft": ("reviewed", gettext_lazy("评审通过")), "reviewed": ("publicised", gettext_lazy("已在村公示")),
               "publicised": ("filed", gettext_lazy("乡镇党委备案"))}  # fmt: skip


def _pledge_action(
    request: AuthedRequest, action: str, member: selectors.Member, pledge: Pledge | None, plan: TargetPlan | None
) -> Any:
    """One township step on a cadre's pledge or target plan (WF-6, R-ASMT-06). Returns the form when
    it has errors to show beside its fields, else None (the outcome is in the messages)."""
    user, name = request.user, member.name
    form: Any = None
    if action in ("publicise", "return", "review", "withdraw") and pledge is None:
        messages.error(request, _("%(n)s 还没有填写承诺") % {"n": name})
        return None
    if action in ("target_advance", "target_assess") and plan is None:
        messages.error(request, _("%(n)s 还没有填写年度目标") % {"n": name})
        return None
    try:
        if action == "publicise" and pledge is not None:
            services.pledge_advance(actor=user, pledge_id=pledge.pk, to="publicised")
            messages.success(request, _("已审核通过,%(n)s 的承诺进入公示") % {"n": name})
        elif action in ("return", "withdraw") and pledge is not None:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return form
            if action == "return":
                services.pledge_return(actor=user, pledge_id=pledge.pk, reason=form.cleaned_data["reason"])
                messages.success(request, _("已退回 %(n)s 修改承诺") % {"n": name})
            else:
                services.pledge_withdraw(actor=user, pledge_id=pledge.pk, reason=form.cleaned_data["reason"])
                messages.success(request, _("已撤回 %(n)s 的承诺,撤回说明将向群众公开") % {"n": name})
        elif action == "review" and pledge is not None:
            form = PledgeReviewForm(request.POST)
            if not form.is_valid():
                return form
            services.pledge_review(
                actor=user,
                pledge_id=pledge.pk,
                democratic_score=form.cleaned_data["democratic_score"],
                organisational_score=form.cleaned_data["organisational_score"],
            )
            messages.success(request, _("已记录 %(n)s 的双评结果") % {"n": name})
        elif action == "target_advance" and plan is not None:
            to = TARGET_NEXT.get(plan.state, ("", ""))[0]
            services.target_plan_advance(actor=user, plan_id=plan.pk, to=str(to))
            messages.success(request, _("%(n)s 的年度目标:%(s)s") % {"n": name, "s": TargetPlan.State(to).label})
        elif action == "target_assess" and plan is not None:
            form = TargetAssessForm(request.POST)
            if not form.is_valid():
                return form
            services.target_plan_advance(actor=user, plan_id=plan.pk, to="assessed",
                                         result_score=form.cleaned_data["result_score"])  # fmt: skip
            messages.success(request, _("已记录 %(n)s 的年终目标核查得分") % {"n": name})
        else:
            messages.error(request, _("无法识别的操作"))
    except (InvalidInput, Conflict) as exc:
        if form is None:
            messages.error(request, _first_error(exc))
            return None
        _apply(form, exc)
        return form
    return None


@login_required
@web_errors
def pledges(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """WF-6 一诺双评 and R-ASMT-06 目标管理 for the township: vet and publicise pledges, return them for
    revision, dual review at year end, withdraw with a public reason; review, publicise, file and
    assess secretaries' target plans."""
    require(request.user, account_rules.ASSESS)
    township = _region(request.user, code, *UNITS)
    _year(year)
    prefix = township.prefix
    also = selectors.assessed_in(Pledge, prefix=prefix, year=year) | selectors.assessed_in(
        TargetPlan, prefix=prefix, year=year
    )
    people = selectors.members(prefix=prefix, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31), also=also)
    ids = [m.person_id for m in people]
    pledge_of = {p.person_id: p for p in Pledge.objects.filter(person_id__in=ids, year=year)}
    plan_of = {t.person_id: t for t in TargetPlan.objects.filter(person_id__in=ids, year=year)}
    action = request.POST.get("action") if request.method == "POST" else None
    forms_for: dict[tuple[int, str], Any] = {}
    if action is not None:
        member = _member(people, _cadre_id(request))
        failed = _pledge_action(request, action, member, pledge_of.get(member.person_id), plan_of.get(member.person_id))
        if failed is None:
            return _back(request, f"#c{member.person_id}")
        forms_for[(member.person_id, action)] = failed
    wanted = request.GET.get("state", "")
    counts: dict[str, int] = {}
    rows = []
    for m in people:
        p, t = pledge_of.get(m.person_id), plan_of.get(m.person_id)
        key = p.state if p else "none"
        counts[key] = counts.get(key, 0) + 1
        if wanted and key != wanted:
            continue
        pid = m.person_id
        rows.append({
            "m": m, "posts": _posts(m.posts), "p": p, "t": t, "secretary": "PS" in m.posts,
            "p_tone": PLEDGE_TONE.get(p.state, "secondary") if p else "",
            "t_tone": TARGET_TONE.get(t.state, "") if t else "",
            "p_label": PLEDGE_LABEL.get(p.state, "") if p else "",
            "t_label": TARGET_LABEL.get(t.state, "") if t else "",
            "t_next": TARGET_NEXT.get(t.state) if t else None,
            "return_form": forms_for.get((pid, "return")) or ReasonForm(initial={"cadre": pid}),
            "withdraw_form": forms_for.get((pid, "withdraw")) or ReasonForm(initial={"cadre": pid}),
            "review_form": forms_for.get((pid, "review")) or PledgeReviewForm(initial={"cadre": pid}),
            "assess_form": forms_for.get((pid, "target_assess")) or TargetAssessForm(initial={"cadre": pid}),
            "open": any(k[0] == pid for k in forms_for),
        })  # fmt: skip
    chip_labels = [("vetting", _("待审核")), ("none", _("未填写")), ("drafting", _("起草中")),
                   ("publicised", _("已公示")), ("midyear", _("年中已报告")), ("yearend", _("待评议")),
                   ("scored", _("已评议")), ("withdrawn", _("已撤回"))]  # fmt: skip
    chips = [("", _("全部"), len(people))] + [(k, label, counts.get(k, 0)) for k, label in chip_labels]
    return render(request, "assessment/pledges.html", {
        "township": township, "year": year, "rows": rows, "chips": chips, "wanted": wanted,
        "breadcrumbs": _head(township, _("承诺与目标")),
    })  # fmt: skip


# --- 5b. the cadre's own page (phone) --------------------------------------------------------------------------------


def _return_note(pledge: Pledge | None) -> str:
    """The township's latest note when it sent the pledge back (kept in the audit log)."""
    if pledge is None or pledge.state != Pledge.State.DRAFTING:
        return ""
    from touyan.audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(action="assessment.pledge.return", object_id=str(pledge.pk))
        .order_by("-at")
        .values_list("reason", flat=True)
        .first()
    )
    return event or ""


@login_required
@web_errors
def me(request: AuthedRequest) -> HttpResponse:
    """A cadre's own assessment (phone): final quarterly scores and grades, the final annual result,
    the pledge (WF-6) and, for a secretary, the target plan (R-ASMT-06). No ranking (SPEC A4)."""
    user = request.user
    today = timezone.localdate()
    raw_year = request.GET.get("year", "")
    year = _year(_int(raw_year) or today.year)
    if user.cadre_id is None:
        if request.method == "POST":
            raise NotFound(_("您的账号没有关联干部档案"))
        return render(request, "assessment/me.html", {"person": None, "year": year,
                                                     "breadcrumbs": crumbs((_("我的考核"), None))})  # fmt: skip
    person = user.cadre
    assert person is not None
    pledge = Pledge.objects.filter(person=person, year=year).first()
    plan = TargetPlan.objects.filter(person=person, year=year).first()
    secretary = selectors.is_secretary(person.pk, today) or plan is not None
    pledge_form = PledgeForm(initial=PledgeForm.initial_for(pledge.items if pledge else []))
    report_form = ReportForm()
    target_form = TargetForm(initial={"items": "\n".join(plan.items) if plan else ""})
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("pledge_save", "pledge_submit"):
        pledge_form = PledgeForm(request.POST)
        if pledge_form.is_valid():
            try:
                saved = services.pledge_save(actor=user, cadre_id=person.pk, year=year, items=pledge_form.items())
                if action == "pledge_submit":
                    services.pledge_advance(actor=user, pledge_id=saved.pk, to="vetting")
            except (InvalidInput, Conflict) as exc:
                _apply(pledge_form, exc, {"items": "item_1"})
            else:
                messages.success(request, _("已提交乡镇审核") if action == "pledge_submit" else _("承诺已保存"))
                return _back(request, "#pledge")
    elif action in ("midyear", "yearend"):
        report_form = ReportForm(request.POST)
        if pledge is None:
            raise NotFound(_("还没有承诺"))
        if report_form.is_valid():
            try:
                services.pledge_advance(actor=user, pledge_id=pledge.pk, to=action,
                                        report=report_form.cleaned_data["report"])  # fmt: skip
            except InvalidInput as exc:
                _apply(report_form, exc)
            else:
                messages.success(request, _("报告已提交"))
                return _back(request, "#pledge")
    elif action == "target_save":
        if not secretary:
            raise NotFound(_("年度目标由党组织书记填写"))
        target_form = TargetForm(request.POST)
        if target_form.is_valid():
            try:
                services.target_plan_save(actor=user, cadre_id=person.pk, year=year, items=target_form.lines())
            except (InvalidInput, Conflict) as exc:
                _apply(target_form, exc)
            else:
                messages.success(request, _("年度目标已保存,乡镇审核后在村公示"))
                return _back(request, "#target")
    elif action is not None:
        messages.error(request, _("无法识别的操作"))
        return _back(request)
    states = selectors.quarter_states([person.pk], year)
    quarters = []
    for q in (1, 2, 3, 4):
        final = states.get((person.pk, q), selectors.QuarterState()).final
        quarters.append({"q": q, "label": QUARTER_LABEL[q], "e": final,
                         "tone": GRADE_TONE.get(final.grade, "") if final else ""})  # fmt: skip
    annual_result = AnnualAssessment.objects.filter(person=person, year=year, status="final").first()
    policy = policy_resolve(person.village_id)
    return render(request, "assessment/me.html", {
        "person": person, "year": year, "prev_year": year - 1, "next_year": year + 1 if year < today.year else None,
        "quarters": quarters, "annual": annual_result,
        "annual_tone": GRADE_TONE.get(annual_result.grade, "") if annual_result else "",
        "pledge": pledge, "pledge_tone": PLEDGE_TONE.get(pledge.state, "") if pledge else "",
        "pledge_label": PLEDGE_LABEL.get(pledge.state, "") if pledge else "",
        "plan_label": TARGET_LABEL.get(plan.state, "") if plan else "",
        "return_note": _return_note(pledge), "pledge_form": pledge_form, "report_form": report_form,
        "secretary": secretary, "plan": plan, "target_form": target_form,
        "items_min": policy["pledge_items_min"], "items_max": policy["pledge_items_max"],
        "breadcrumbs": crumbs((_("我的考核"), None)),
    })  # fmt: skip


# --- 6. pioneer points (village, R-PTY-01/02) and stars (township, R-PTY-03) ---------------------------------------


@login_required
@web_errors
def pioneer(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """R-PTY-01/02: the branch's record of each Party member's points with yearly caps per item.
    For the branch and the township only: listed by village and post, never ranked (SPEC A4)."""
    require(request.user, account_rules.ASSESS)
    village = _region(request.user, code, region_rules.VILLAGE)
    _year(year)
    entered = set(
        PioneerEntry.objects.filter(village=village, date__year=year).values_list("person_id", flat=True).distinct()
    )
    people = selectors.members(prefix=village.code, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31),
                               exclude_posts=("FS",), party_only=True, also=entered)  # fmt: skip
    form = PioneerForm(request.POST or None, year=year,
                       initial={"day": min(timezone.localdate(), dt.date(year, 12, 31))})  # fmt: skip
    form.fields["cadre"].choices = [("", _("请选择")), *((m.person_id, m.name) for m in people)]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.pioneer_record(actor=request.user, cadre_id=d["cadre"], day=d["day"], item=d["item"],
                                    points=d["points"], evidence=d["evidence"])  # fmt: skip
        except InvalidInput as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("已记录"))
            return _back(request)
    caps = dict(services.PIONEER_ITEMS)
    board = selectors.pioneer_board(village_code=village.code, year=year, caps=caps)
    items = [(code_, PIONEER_SHORT[code_], caps.get(code_), PIONEER_LABELS[code_])
             for code_ in (*services.PIONEER_ITEMS, "bonus", "penalty")]  # fmt: skip
    rows = []
    for m in people:
        sums = board.get(m.person_id, {})
        cells = []
        for code_, _label, cap, _full in items:
            value = sums.get(code_)
            capped = value is not None and cap is not None and value > cap
            cells.append({"value": value, "capped": capped})
        rows.append({"m": m, "posts": _posts(m.posts), "cells": cells, "total": sums.get("total")})
    recent = (
        PioneerEntry.objects.filter(village=village, date__year=year)
        .select_related("person")
        .order_by("-date", "-id")[:30]
    )
    return render(request, "assessment/pioneer.html", {
        "village": village, "year": year, "form": form, "rows": rows, "items": items,
        "recent": [{"e": e, "label": PIONEER_LABELS.get(e.item, e.item)} for e in recent],
        "breadcrumbs": crumbs((_("考核评价"), None), (_("先锋指数"), None),
                              (village.parent.name if village.parent else "", None), (village.name, None)),
    })  # fmt: skip


@login_required
@web_errors
def stars(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """R-PTY-03: the township rates each village Party organisation; the stars follow from the score."""
    require(request.user, account_rules.ASSESS)
    township = _region(request.user, code, region_rules.TOWNSHIP)
    _year(year)
    villages = list(
        Region.objects.filter(code__startswith=township.prefix, level=region_rules.VILLAGE).order_by("code")
    )
    ratings = {r.village_id: r for r in StarRating.objects.filter(village__in=villages, year=year)}
    failed: StarForm | None = None
    if request.method == "POST":
        form = StarForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["village"] not in {v.code for v in villages}:
                raise NotFound(_("该村(社区)不在本乡镇"))
            try:
                d = form.cleaned_data
                services.star_rate(actor=request.user, village_code=d["village"], year=year, score=d["score"],
                                   innovation=d["innovation"])  # fmt: skip
            except InvalidInput as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("已评定"))
                return _back(request)
        failed = form
    rows = []
    for v in villages:
        r = ratings.get(v.code)
        own = failed is not None and failed.data.get("village") == v.code
        f = failed if own else StarForm(initial={"village": v.code, "score": r.score if r else None,
                                                   "innovation": r.innovation if r else False})  # fmt: skip
        rows.append({"v": v, "r": r, "form": f, "stars": "★" * r.stars + "☆" * (5 - r.stars) if r else ""})
    counts = {n: sum(1 for r in ratings.values() if r.stars == n) for n in (5, 4, 3, 2, 1)}
    return render(request, "assessment/stars.html", {
        "township": township, "year": year, "rows": rows, "counts": counts, "rated": len(ratings),
        "breadcrumbs": _head(township, _("星级评定")),
    })  # fmt: skip


# --- 7. the county's grade distribution (R-ASMT-03) -----------------------------------------------------------------


@login_required
@web_errors
def distribution(request: AuthedRequest, code: str, year: int) -> HttpResponse:
    """R-ASMT-03: grades per township (stacked bars with the numbers below) and the check of
    `excellent_max_share`; townships over it are flagged."""
    require(request.user, account_rules.POLICY_WRITE)
    region = _region(request.user, code, *HIGHER, region_rules.TOWNSHIP)
    _year(year)
    form = DistributionForm(request.GET or None)
    quarter = form.quarter()
    rows = selectors.grade_distribution(prefix=region.prefix, year=year, quarter=quarter)
    totals = {g: sum(r.counts[g] for r in rows) for g in rules.GRADES}
    total = sum(totals.values())
    chart = {
        "categories": [r.name for r in rows],
        "series": [{"name": str(GRADE_LABEL[g]), "data": [r.counts[g] for r in rows]} for g in rules.GRADES],
        "flags": [r.over for r in rows],
        "unit": _("人"),
    }
    return render(request, "assessment/distribution.html", {
        "region": region, "year": year, "form": form, "quarter": quarter, "rows": rows, "chart": chart,
        "grades": [GRADE_LABEL[g] for g in rules.GRADES], "totals": [totals[g] for g in rules.GRADES], "total": total,
        "over": [r for r in rows if r.over], "basis": QUARTER_LABEL[quarter] if quarter else _("年度考核"),
        "chart_height": max(220, 34 * len(rows) + 80),
        "breadcrumbs": _head(region, _("等次分布")),
    })  # fmt: skip
