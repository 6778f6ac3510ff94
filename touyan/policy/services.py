"""policy_put(): a region saves a new version of its policy document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from pydantic import ValidationError

from touyan.accounts import rules as account_rules
from touyan.accounts.scope import require
from touyan.audit.services import audit_record
from touyan.core import validation
from touyan.core.errors import InvalidInput
from touyan.regions.models import Region
from touyan.regions.selectors import access_region

from . import rules
from .models import PolicyDocument
from .params import BY_KEY, LAW_KEYS, FullParams, PartialParams
from .selectors import merged_for


def _pydantic_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        key = str(err["loc"][0]) if err["loc"] else "params"
        msg = _("未知参数") if err["type"] == "extra_forbidden" else validation.message(err)
        errors.setdefault(f"params.{key}", []).append(msg)
    return errors


def validate_document(params: dict[str, Any]) -> dict[str, Any]:
    """Type-check one document; return its overrides as JSON-ready values.

    Refuses unknown keys and [law] keys, each error naming its field.
    """
    if not isinstance(params, dict):
        raise InvalidInput(errors={"params": _("参数必须是键值对象")})
    errors: dict[str, list[str]] = {}
    for key in params:
        if key in LAW_KEYS:
            errors[f"params.{key}"] = [
                _("%(label)s 由法律法规规定(%(rule)s),不能修改")
                % {"label": BY_KEY[key].label, "rule": BY_KEY[key].rule}
            ]
    try:
        typed = PartialParams.model_validate(params)
    except ValidationError as exc:
        for k, v in _pydantic_errors(exc).items():
            errors.setdefault(k, []).extend(v)
        typed = None
    if errors or typed is None:
        raise InvalidInput(errors=errors)
    return typed.model_dump(mode="json", exclude_unset=True)


def check_effective(code: str | None, on: dt.date, layer: rules.Layer) -> None:
    """The region's resolved values, and those of every region below it that has a
    document of its own, must stay consistent with the new document in place."""
    targets: set[str | None] = {code}
    prefix = "" if code is None else code[: len(Region.objects.get(code=code).prefix)]
    below = PolicyDocument.objects.filter(region__code__startswith=prefix) if code else PolicyDocument.objects.all()
    targets.update(below.exclude(region_id=code).values_list("region_id", flat=True).distinct())
    for target in sorted(targets, key=lambda c: c or ""):
        merged = merged_for(target, on, layer)
        try:
            typed = FullParams.model_validate(merged.values)
        except ValidationError as exc:
            raise InvalidInput(errors=_pydantic_errors(exc)) from exc
        problems = rules.check_consistency(typed.model_dump())
        if problems:
            where = "" if target == code else _("(下级区域 %(code)s 合并后)") % {"code": target}
            raise InvalidInput(errors={f"params.{k}": [f"{v}{where}"] for k, v in problems.items()})


@transaction.atomic
def policy_put(
    *, actor: Any, region_code: str | None, effective_from: dt.date, params: dict[str, Any], note: str = ""
) -> PolicyDocument:
    """Save a new version of a region's policy (R-… parameters, SPEC A3/B4).

    `params` holds only the keys this region overrides; earlier versions stay
    as they were, so every computed result can still be explained.
    """
    require(actor, account_rules.POLICY_WRITE)
    code: str | None
    if region_code is None:
        if not actor.is_superuser or actor.region_id is not None:
            raise InvalidInput(errors={"region": _("只有全国管理员可以修改全国默认参数")})
        code = None
    else:
        code = access_region(actor=actor, code=region_code).code
    overrides = validate_document(params)
    check_effective(code, effective_from, rules.Layer(region_code=code, document_id=None, params=overrides))
    previous = (
        PolicyDocument.objects.filter(region_id=code, effective_from__lte=effective_from)
        .order_by("-effective_from", "-id")
        .first()
    )
    doc = PolicyDocument.objects.create(
        region_id=code, effective_from=effective_from, params=overrides, note=note, created_by=actor
    )
    old = previous.params if previous else {}
    audit_record(
        actor=actor,
        action="policy.put",
        obj=doc,
        region_code=code or "",
        changes={
            "effective_from": [None, effective_from.isoformat()],
            **{
                k: [old.get(k), overrides.get(k)]
                for k in sorted(set(old) | set(overrides))
                if old.get(k) != overrides.get(k)
            },
        },
        reason=note,
    )
    return doc
