"""The policy page: a region's parameters, the inherited value beside each field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from touyan.accounts import rules as account_rules
from touyan.accounts.models import Role
from touyan.accounts.requests import AuthedRequest
from touyan.core.errors import Forbidden, InvalidInput
from touyan.core.urlparams import query_date
from touyan.core.views import web_errors
from touyan.regions.models import Region
from touyan.regions.selectors import access_region, visible_path

from . import explain
from .params import GROUPS, PARAMS, PERCENT, Param, is_percent, percent_text, percent_value
from .selectors import merged_for, policy_documents, policy_resolve
from .services import policy_put

NUMBER_KINDS = {int: "int", int | None: "int", Decimal: "decimal", float: "decimal"}


# The parameters' units, as words of the page's language (a parameter stores its Chinese unit).
UNITS = {
    "元": pgettext_lazy("单位", "元"),
    "天": pgettext_lazy("单位", "天"),
    "年": pgettext_lazy("单位", "年"),
    "岁": pgettext_lazy("单位", "岁"),
}


def _field_kind(p: Param) -> str:
    """How the page edits a parameter: bool / choice (a select), percent (a share typed as a
    percentage), int / decimal (a number input with the parameter's bounds), catalogue (shown,
    edited through the API), text."""
    if p.type is bool:
        return "bool"
    if is_percent(p):
        return "percent"
    if hasattr(p.type, "__args__") and all(isinstance(a, str) for a in p.type.__args__):
        return "choice"
    if p.type in NUMBER_KINDS:
        return NUMBER_KINDS[p.type]
    if getattr(p.type, "__metadata__", None) and isinstance(p.default, tuple) and p.default:
        return "catalogue" if not isinstance(p.default[0], str) else "text"
    return "text"


def _bounds(p: Param) -> dict[str, str]:
    """The number input's min / max / step (the service checks the same bounds, in Chinese)."""
    kind = _field_kind(p)
    if kind not in ("int", "decimal"):
        return {}
    out = {"step": "1" if kind == "int" else "0.01"}
    if p.ge is not None:
        out["min"] = str(p.ge)
    if p.le is not None:
        out["max"] = str(p.le)
    return out


def _display(value: Any, p: Param | None = None) -> str:
    if p is not None and _field_kind(p) == "choice":
        return explain.choice_label(value)
    if value is None:
        return _("不限")
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, (tuple, list)):  # a list of codes (the joint-review departments), or a catalogue
        if all(isinstance(v, str) for v in value):
            return ", ".join(value)
        return _("共 %(n)s 项") % {"n": len(value)}
    if p is not None and is_percent(p):
        return f"{percent_text(value)} %"
    return str(value)


def _raw_value(raw: str, p: Param) -> Any:
    if _field_kind(p) == "bool":
        return raw == "true"
    if is_percent(p):  # typed as a percentage: 20 → 0.2
        return percent_value(raw)
    return raw


def _percent_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """A percent field's bound in percent ("0 % – 100 %"), not the stored fraction's ("≤ 1")."""
    for p in PARAMS:
        if is_percent(p) and errors.get(p.key):
            lo, hi = percent_text(p.ge if p.ge is not None else 0), percent_text(p.le if p.le is not None else 1)
            errors[p.key] = [_("请填写 %(lo)s 到 %(hi)s 之间的百分数(如 20 表示 20%%)") % {"lo": lo, "hi": hi}]
    return errors


@login_required
@web_errors
def edit(request: AuthedRequest, code: str) -> HttpResponse:
    region = access_region(actor=request.user, code=code)
    can_edit = account_rules.has_capability(
        request.user.role, account_rules.POLICY_WRITE, is_superuser=request.user.is_superuser
    )
    today = timezone.localdate()
    on = query_date(request.GET.get("on"), default=today) or today
    errors: dict[str, list[str]] = {}
    submitted: dict[str, str] = {}
    effective_from = today
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("您的角色无权修改政策参数"))
        effective_from = query_date(request.POST.get("effective_from"), default=today, field="effective_from") or today
        params = {}
        for p in PARAMS:
            raw = request.POST.get(p.key, "").strip()
            submitted[p.key] = raw
            if raw and not p.law:
                params[p.key] = _raw_value(raw, p)
        try:
            policy_put(
                actor=request.user,
                region_code=region.code,
                effective_from=effective_from,
                params=params,
                note=request.POST.get("note", "")[:300],
            )
        except InvalidInput as exc:
            errors = _percent_errors({k.removeprefix("params."): v for k, v in exc.field_errors().items()})
            messages.error(request, _("参数未保存:请修改标红的字段。"))
        else:
            messages.success(request, _("已保存新版本,自 %(d)s 起生效") % {"d": effective_from.isoformat()})
            return redirect("policy:edit", code=region.code)
    resolved = policy_resolve(region.code, on)
    values = resolved.params.model_dump()
    # What this region would inherit if it set nothing itself.
    parent_merged = merged_for(region.parent_id, on) if region.parent_id else merged_for(None, on)
    own = {k: v for k, v in values.items() if resolved.sources[k] == region.code}
    names = dict(
        Region.objects.filter(code__in={c for c in resolved.sources.values() if c}).values_list("code", "name")
    )
    groups: list[dict[str, Any]] = []
    for gkey, glabel in GROUPS.items():
        rows = []
        for p in PARAMS:
            if p.group != gkey:
                continue
            source = resolved.sources[p.key]
            parent_source = parent_merged.sources[p.key]
            rows.append(
                {
                    "p": p,
                    "kind": _field_kind(p),
                    "bounds": _bounds(p),
                    "unit_word": UNITS.get(p.unit, p.unit),
                    "entries": list(values[p.key]) if _field_kind(p) == "catalogue" else [],
                    "label": explain.label(p),
                    "sentence": explain.sentence(p),
                    "choices": [(c, explain.choice_label(c)) for c in getattr(p.type, "__args__", ())]
                    if _field_kind(p) == "choice"
                    else [],
                    "value": _display(values[p.key], p).removesuffix(" %"),
                    "unit": PERCENT
                    if is_percent(p)
                    else UNITS.get(p.unit, p.unit)
                    if values[p.key] is not None
                    else "",
                    "source": names.get(source, _("全国")) if source else _("默认值"),
                    "is_own": p.key in own,
                    "own": submitted.get(p.key, "" if p.key not in own else _form_value(own[p.key], p)),
                    "inherited": _display(parent_merged.values[p.key], p),
                    "inherited_from": names.get(parent_source or "", "")
                    or (_("全国") if parent_source else _("默认值")),
                    "errors": errors.get(p.key, []),
                }
            )
        groups.append({"key": gkey, "label": glabel, "rows": rows})
    return render(
        request,
        "policy/edit.html",
        {
            "region": region,
            "groups": groups,
            "on": on,
            "can_edit": can_edit,
            # Parameter keys and rule ids are for administrators, folded (issue 16).
            "show_tech": request.user.is_superuser or request.user.role == Role.ADMIN,
            "effective_from": effective_from,
            "documents": policy_documents(region_code=region.code)[:20],
            "general_errors": errors.get("__all__", []),
            "breadcrumbs": [
                {"label": _("政策参数"), "url": None},
                *[{"label": r.name, "url": None} for r in visible_path(actor=request.user, region=region)],
            ],
        },
    )


def _form_value(value: Any, p: Param) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is not None and is_percent(p):
        return percent_text(value)
    return "" if value is None else str(value)
