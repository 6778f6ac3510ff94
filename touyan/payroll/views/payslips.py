"""Payslips: one payslip explained line by line, its PDF, a cadre's own payslips (我的工资条), and
setting a cadre's 一卡通 account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.scope import officials_only, require
from touyan.cadres.selectors import access_cadre
from touyan.core.errors import InvalidInput
from touyan.core.views import crumbs, web_errors

from .. import outputs
from ..bankimport import BankImportInvalid, bank_accounts_import, bank_template, read_bank_file
from ..forms import BankAccountForm, BankImportForm
from ..models import BankAccount
from ..selectors import access_payslip, payslips_of_self
from ..services import bank_account_set
from .common import MODULE, apply_errors, can

if TYPE_CHECKING:
    from touyan.accounts.requests import AuthedRequest

PDF = "application/pdf"


def _may_set_bank(request: AuthedRequest) -> bool:
    return can(request, account_rules.CADRES_WRITE) or request.user.role == Role.FINANCE


@login_required
@web_errors
def payslip_detail(request: AuthedRequest, payslip_id: int) -> HttpResponse:
    slip = access_payslip(actor=request.user, payslip_id=payslip_id)
    own = request.user.role == Role.CADRE
    if own:
        trail = crumbs((_("我的工资条"), reverse("payroll:me")), (slip.run.month.strftime("%Y-%m"), None))
    else:
        trail = crumbs(
            (MODULE, None),
            (_("工资发放"), reverse("payroll:runs")),
            (f"{slip.run.region.name} {slip.run.month:%Y-%m}", reverse("payroll:run", args=[slip.run_id])),
            (slip.person.name, None),
        )
    context = {
        "slip": slip,
        "run": slip.run,
        "lines": outputs.slip_lines(slip),
        "own": own,
        "account": BankAccount.objects.filter(person_id=slip.person_id).first(),
        "can_bank": not own and _may_set_bank(request),
        "breadcrumbs": trail,
    }
    return render(request, "payroll/payslip.html", context)


@login_required
@web_errors
def payslip_pdf(request: AuthedRequest, payslip_id: int) -> HttpResponse:
    slip = access_payslip(actor=request.user, payslip_id=payslip_id)
    name = _("工资条-%(m)s-%(n)s.pdf") % {"m": slip.run.month.strftime("%Y-%m"), "n": slip.person.name}
    response = HttpResponse(outputs.payslip_pdf(slip), content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    return response


@login_required
def my_payslips(request: AuthedRequest) -> HttpResponse:
    is_cadre = request.user.role == Role.CADRE
    context = {
        "slips": payslips_of_self(actor=request.user) if is_cadre else [],
        "is_cadre": is_cadre,
        "breadcrumbs": crumbs((_("我的工资条"), None)),
    }
    return render(request, "payroll/me.html", context)


def _next_url(request: AuthedRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) or not nxt.startswith("/"):
        return ""
    return nxt


@login_required
@web_errors
def bank_account(request: AuthedRequest, cadre_id: int) -> HttpResponse:
    """Set a cadre's 一卡通 account (encrypted; shown masked)."""
    officials_only(request.user)
    person = access_cadre(actor=request.user, cadre_id=cadre_id)
    if not _may_set_bank(request):
        require(request.user, account_rules.CADRES_WRITE)
    current = BankAccount.objects.filter(person=person).first()
    nxt = _next_url(request)
    initial = {"bank": current.bank if current else "", "kind": current.kind if current else "card"}
    form = BankAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = bank_account_set(actor=request.user, cadre_id=person.pk, **form.cleaned_data)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            saved = _("已保存 %(n)s 的一卡通账号 %(a)s") % {"n": person.name, "a": record.account_masked}
            messages.success(request, saved)
            return redirect(nxt or reverse("payroll:bank", args=[person.pk]))
    context = {
        "person": person,
        "current": current,
        "form": form,
        "next": nxt,
        "breadcrumbs": crumbs((MODULE, None), (person.name, None), (_("一卡通账号"), None)),
    }
    response = render(request, "payroll/bank.html", context)
    response["Cache-Control"] = "no-store"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@web_errors
def bank_import(request: AuthedRequest) -> HttpResponse:
    """Import 一卡通 accounts from a spreadsheet: all or nothing, with a report of every row's
    problems (R-DATA-01); the accounts are checked as on the single page."""
    officials_only(request.user)
    if not _may_set_bank(request):
        require(request.user, account_rules.CADRES_WRITE)
    form = BankImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_bank_file(form.cleaned_data["file"].read())
            result = bank_accounts_import(actor=request.user, rows=rows)
        except BankImportInvalid as exc:
            problems = exc.rows
            form.add_error(None, exc.message)
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已导入 %(n)s 个一卡通账号(银行卡 %(c)s 个,存折 %(p)s 个)")
                % {"n": result.written, "c": result.cards, "p": result.passbooks},
            )
            return redirect(reverse("payroll:bank_import"))
    context = {
        "form": form,
        "problems": problems,
        "breadcrumbs": crumbs((MODULE, None), (_("导入一卡通账号"), None)),
    }
    response = render(request, "payroll/bank_import.html", context, status=422 if problems else 200)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@web_errors
def bank_import_template(request: AuthedRequest) -> HttpResponse:
    """The import template (.xlsx)."""
    officials_only(request.user)
    if not _may_set_bank(request):
        require(request.user, account_rules.CADRES_WRITE)
    response = HttpResponse(bank_template(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "一卡通账号导入模板.xlsx")
    return response
