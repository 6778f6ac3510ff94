"""Pages of 三务公开 (R-OPEN-01…04): items and their review, the cadre-pay notice, the objection
queue with overdue alerts; the collective income (R-PAY-08/12); supervision records; the
micro-power list; the villages' public addresses and posters."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touyan.accounts.models import Role
from touyan.accounts.requests import AuthedRequest
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import DomainError, Forbidden
from touyan.core.urlparams import query_year
from touyan.core.views import crumbs, web_errors
from touyan.policy.selectors import policy_resolve, policy_resolve_many
from touyan.regions.models import RegionStat

from .. import relations, rules, selectors, services
from ..flows import ITEM
from ..forms import IncomeImportForm, ItemForm, ReplyForm, SupervisionForm
from ..models import DisclosureItem, Objection
from .common import TONES, show_error, village_choices, village_code, village_filtered


@login_required
@web_errors
def items(request: AuthedRequest) -> HttpResponse:
    qs, village = village_filtered(request, selectors.items_in_scope(actor=request.user))
    state = request.GET.get("state", "")
    if state in DisclosureItem.State.values:
        qs = qs.filter(state=state)
    today = timezone.localdate()
    villages = list(
        selectors.villages_in_scope(actor=request.user).filter(code=village)
        if village
        else selectors.villages_in_scope(actor=request.user)[:60]
    )
    due = (
        selectors.disclosures_due(
            villages=villages, policies=policy_resolve_many([v.code for v in villages], today), today=today
        )
        if villages
        else []
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "affairs/items.html",
        {
            "page": page,
            "state": state,
            "states": DisclosureItem.State.choices,
            "village": village,
            "villages": village_choices(request),
            "due": due[:40],
            "due_overdue": sum(1 for d in due if d.overdue),
            "tones": TONES,
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("三务公开"), None)),
        },
    )


@login_required
@web_errors
def item_new(request: AuthedRequest) -> HttpResponse:
    choices = village_choices(request)
    code = request.POST.get("village") or (choices[0][0] if choices else None)
    entries = policy_resolve(code)["disclosure_catalogue"] if code else []
    catalogue = [(e.code, f"{e.code} {_(e.title)}") for e in entries]  # titles in the page's language
    initial = {k: request.GET[k] for k in ("item", "period", "village") if k in request.GET}
    form = ItemForm(request.POST or None, initial=initial, villages=choices, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            obj = services.item_create(
                actor=request.user,
                village_code=d["village"],
                item=d["item"],
                period=d["period"],
                title=d["title"],
                body=d["body"],
            )
        except DomainError as exc:
            show_error(request, form, exc)
        else:
            messages.success(request, _("已保存草稿,请村务监督委员会审核"))
            return redirect("affairs:item", item_id=obj.pk)
    return render(
        request,
        "affairs/form.html",
        {
            "form": form,
            "title": _("起草公开事项"),
            "help": _("身份证号、银行卡号和电话号码会自动隐去;公开名单只写姓名和职务。"),
            "breadcrumbs": crumbs((_("三务公开"), reverse("affairs:items")), (_("起草"), None)),
        },
    )


@login_required
@web_errors
def item(request: AuthedRequest, item_id: int) -> HttpResponse:
    obj = selectors.access_item(actor=request.user, item_id=item_id)
    return render(
        request,
        "affairs/item.html",
        {
            "i": obj,
            "actions": ITEM.available(request.user, obj),
            "tones": TONES,
            "files": list(obj.files.all()),
            "can_upload": obj.state != "published"
            and (
                relations.is_village_cadre(request.user, obj.village_id)
                or relations.is_township(request.user, obj.village_id)
            ),
            "breadcrumbs": crumbs((_("三务公开"), reverse("affairs:items")), (obj.title, None)),
        },
    )


@login_required
@web_errors
@require_POST
def item_action(request: AuthedRequest, item_id: int, action: str) -> HttpResponse:
    try:
        if action == "review":
            services.item_review(actor=request.user, item_id=item_id, note=request.POST.get("reason", ""))
        elif action == "publish":
            services.item_publish(actor=request.user, item_id=item_id)
        elif action == "reopen":
            services.item_reopen(actor=request.user, item_id=item_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("已办理"))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:item", item_id=item_id)


@login_required
@web_errors
@require_POST
def item_file(request: AuthedRequest, item_id: int) -> HttpResponse:
    obj = selectors.access_item(actor=request.user, item_id=item_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise Forbidden(_("请选择要上传的文件"))
        services.attachment_add(actor=request.user, owner=obj, upload=upload)
        messages.success(request, _("已上传"))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect("affairs:item", item_id=item_id)


@login_required
@web_errors
def pay_notice(request: AuthedRequest) -> HttpResponse:
    """Pay runs in 村内公示 or later: draft each village's cadre-pay notice (R-OPEN-04, WF-8)."""
    if request.method == "POST":
        try:
            made = services.pay_notice_items(actor=request.user, run_id=int(request.POST.get("run", "0") or 0))
            messages.success(request, _("已生成 %(n)s 个村的报酬公示草稿,请各村监委会审核后发布") % {"n": len(made)})
        except DomainError as exc:
            show_error(request, None, exc)
        return redirect("affairs:pay_notice")
    runs = list(selectors.pay_runs_noticed(actor=request.user).select_related("region")[:24])
    return render(
        request,
        "affairs/pay_notice.html",
        {"runs": runs, "breadcrumbs": crumbs((_("三务公开"), reverse("affairs:items")), (_("村干部报酬公示"), None))},
    )


@login_required
@web_errors
def objections(request: AuthedRequest) -> HttpResponse:
    """The objection queue: open ones first, the overdue marked (R-OPEN-03)."""
    qs, village = village_filtered(request, selectors.objections_in_scope(actor=request.user))
    state = request.GET.get("state", "open")
    if state in Objection.State.values:
        qs = qs.filter(state=state)
    today = timezone.localdate()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    rows = [
        {"o": o, "overdue": o.state == "open" and o.reply_due < today, "days": (o.reply_due - today).days}
        for o in page.object_list
    ]
    return render(
        request,
        "affairs/objections.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "village": village,
            "villages": village_choices(request),
            "reply_form": ReplyForm(),
            "tones": TONES,
            "overdue": selectors.objections_in_scope(actor=request.user)
            .filter(state="open", reply_due__lt=today)
            .count(),
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("群众异议"), None)),
        },
    )


@login_required
@web_errors
@require_POST
def objection_answer(request: AuthedRequest, objection_id: int) -> HttpResponse:
    try:
        services.objection_answer(actor=request.user, objection_id=objection_id, reply=request.POST.get("reply", ""))
        messages.success(request, _("已答复,答复已显示在村务公开页"))
    except DomainError as exc:
        show_error(request, None, exc)
    return redirect(reverse("affairs:objections"))


@login_required
@web_errors
def powers(request: AuthedRequest) -> HttpResponse:
    """The micro-power list in force for the user's region, each flow drawn (R-DEC-04)."""
    choices = village_choices(request)
    code = village_code(request) or (choices[0][0] if choices else request.user.region_id)
    entries = [
        {"e": e, "boxes": rules.flow_layout(e.steps), "height": rules.flow_height(len(e.steps))}
        for e in policy_resolve(code)["micro_power_catalogue"]
    ]
    return render(
        request,
        "affairs/powers.html",
        {
            "entries": entries,
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("小微权力清单"), None)),
        },
    )


@login_required
@web_errors
def public_links(request: AuthedRequest) -> HttpResponse:
    villages = list(selectors.villages_in_scope(actor=request.user).select_related("parent")[:500])
    return render(
        request,
        "affairs/public_links.html",
        {
            "villages": villages,
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("公开页与二维码"), None)),
        },
    )


# --- collective income -----------------------------------------------------------------------------------


@login_required
@web_errors
def collective(request: AuthedRequest) -> HttpResponse:
    """Each village's collective operating income for a year, entered by the township (R-PAY-08/12)."""
    if request.user.role not in (Role.ADMIN, Role.TOWNSHIP_OFFICER) and not request.user.is_superuser:
        raise Forbidden(_("集体经济收入由乡镇党委干部或县组织部录入"))
    year = query_year(request.GET.get("year"), default=timezone.localdate().year - 1)
    villages = list(selectors.villages_in_scope(actor=request.user).select_related("parent")[:500])
    report = None
    import_form = IncomeImportForm(initial={"year": year})
    if request.method == "POST" and request.POST.get("mode") == "import":
        import_form = IncomeImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            try:
                report = services.collective_income_import(
                    actor=request.user,
                    township_code=request.user.region_id or "",
                    year=import_form.cleaned_data["year"],
                    stream=import_form.cleaned_data["file"],
                )
                if report.ok:
                    messages.success(request, _("已导入 %(n)s 个村") % {"n": report.written})
                else:
                    messages.error(request, _("表格有错误,未导入任何数据:请按下表修改后重新导入"))
            except DomainError as exc:
                show_error(request, import_form, exc)
    elif request.method == "POST":
        saved = 0
        try:
            for v in villages:
                raw = request.POST.get(f"income_{v.code}")
                if raw is None:
                    continue
                value = rules_decimal(raw)
                services.collective_income_put(actor=request.user, village_code=v.code, year=year, income=value)
                saved += 1
            messages.success(request, _("已保存 %(n)s 个村的收入") % {"n": saved})
            return redirect(f"{reverse('affairs:collective')}?year={year}")
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", "") or _("收入须为不小于 0 的金额"))
    stats = {s.region_id: s for s in RegionStat.objects.filter(region_id__in=[v.code for v in villages], year=year)}
    policy = policy_resolve(villages[0].code if villages else None)
    rows = [{"v": v, "income": stats[v.code].collective_income if v.code in stats else None} for v in villages]
    return render(
        request,
        "affairs/collective.html",
        {
            "rows": rows,
            "year": year,
            "report": report,
            "import_form": import_form,
            "weak_income": policy["weak_income"],
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("集体经济"), None)),
        },
    )


def rules_decimal(raw: str) -> Any:
    from decimal import Decimal, InvalidOperation

    text = (raw or "").replace(",", "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if value < 0:
        raise ValueError(raw)
    return value


@login_required
@web_errors
def collective_template(request: AuthedRequest) -> HttpResponse:
    """The import sheet, filled with the user's villages."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(list(services.collective.HEADERS))
    for v in selectors.villages_in_scope(actor=request.user)[:5000]:
        ws.append([v.code, v.name, None])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="collective-income.xlsx"'
    return response


# --- supervision records ---------------------------------------------------------------------------------


@login_required
@web_errors
def supervision(request: AuthedRequest) -> HttpResponse:
    qs, village = village_filtered(request, selectors.supervision_in_scope(actor=request.user))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "affairs/supervision.html",
        {
            "page": page,
            "village": village,
            "villages": village_choices(request),
            "form": SupervisionForm(),
            "breadcrumbs": crumbs((_("村务管理"), reverse("affairs:home")), (_("监督记录"), None)),
        },
    )


def _supervision_post(request: AuthedRequest, cadre_id: int | None) -> tuple[SupervisionForm, bool]:
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        return form, False
    d = form.cleaned_data
    try:
        services.supervision_create(
            actor=request.user,
            kind=d["kind"],
            date=d["date"],
            subject=d["subject"],
            village_code=request.POST.get("village", ""),
            cadre_id=cadre_id,
            findings=d["findings"],
            follow_up=d["follow_up"],
        )
    except DomainError as exc:
        show_error(request, form, exc)
        return form, False
    messages.success(request, _("已登记监督记录"))
    return form, True


@login_required
@web_errors
@require_POST
def supervision_new(request: AuthedRequest) -> HttpResponse:
    raw = request.POST.get("cadre", "")
    _form, _ok = _supervision_post(request, int(raw) if raw.isdigit() else None)
    return redirect(request.POST.get("next") or reverse("affairs:supervision"))


@login_required
@web_errors
def cadre_supervision(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    """A cadre's supervision records (on their file; the county sees every township's)."""
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    form = SupervisionForm()
    if request.method == "POST":
        form, ok = _supervision_post(request, person.pk)
        if ok:
            return redirect("affairs:cadre_supervision", cadre_id=person.pk)
    records = selectors.supervision_in_scope(actor=request.user).filter(person=person)
    can_write = request.user.role in (Role.ADMIN, Role.TOWNSHIP_OFFICER) or request.user.is_superuser
    return render(
        request,
        "affairs/cadre_supervision.html",
        {
            "person": person,
            "records": records,
            "form": form if can_write else None,
            "breadcrumbs": crumbs(
                (_("花名册"), reverse("cadres:roster")),
                (person.name, reverse("cadres:detail", args=[person.pk])),
                (_("监督记录"), None),
            ),
        },
    )
