"""Writes of 三务公开 (R-OPEN-01…04): items drafted, reviewed by the supervision committee,
published; the cadre-pay notice drawn from a pay run; villagers' objections and their answers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.core.crypto import encrypt
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve
from touyan.regions.models import Region

from .. import pagecache, relations, rules
from ..actions import AffairsAction
from ..flows import ITEM, OBJECTION
from ..models import DisclosureItem, Objection
from ..selectors import (
    access_item,
    access_objection,
    access_village,
    catalogue_for,
    pay_notice_rows,
    pay_runs_noticed,
    public_village,
    search_text,
)

MAX_BODY = 20000


def _clean_table(table: Any) -> dict[str, Any] | None:
    if table in (None, {}, ""):
        return None
    if not isinstance(table, dict) or not isinstance(table.get("rows", []), list):
        raise InvalidInput(errors={"table": _("表格格式应为 {columns: [...], rows: [[...]]}")})
    cleaned = rules.redact_table({"columns": list(table.get("columns", [])), "rows": list(table.get("rows", []))})
    if cleaned is not None and len(cleaned["rows"]) > 2000:
        raise InvalidInput(errors={"table": _("表格不能超过 2000 行")})
    return cleaned


@transaction.atomic
def item_create(
    *, actor: Any, village_code: str, item: str, period: str, title: str, body: str, table: Any = None
) -> DisclosureItem:
    """Draft an item of the region's catalogue for a period (R-OPEN-04). ID, bank-card and phone
    numbers are taken out before anything is stored (R-DATA-05: names and posts only)."""
    village = access_village(actor=actor, code=village_code)
    if not (relations.is_village_cadre(actor, village.code) or relations.is_township(actor, village.code)):
        raise Forbidden(_("公开事项由本村干部或乡镇党委干部起草"))
    catalogue = catalogue_for(policy_resolve(village.code))
    errors: dict[str, str] = {}
    entry = catalogue.get((item or "").strip())
    if entry is None:
        errors["item"] = _("不是本地公开目录中的事项编号")
    try:
        parsed = rules.parse_period(period)
    except ValueError as exc:
        errors["period"] = str(exc)
    if not (title or "").strip():
        errors["title"] = _("请填写标题")
    if len(body or "") > MAX_BODY:
        errors["body"] = _("内容不能超过 %(n)s 字") % {"n": MAX_BODY}
    if errors or entry is None:
        raise InvalidInput(errors=errors)
    clean_body = rules.redact_personal((body or "").strip())
    clean_title = rules.redact_personal(title.strip())[:120]
    obj = DisclosureItem.objects.create(
        village=village,
        item_code=entry.code,
        category=entry.category,
        period=parsed.code,
        period_start=parsed.start,
        title=clean_title,
        body=clean_body,
        table=_clean_table(table),
        search=search_text(clean_title, clean_body),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AffairsAction.ITEM_CREATE,
        obj=obj,
        region_code=village.code,
        changes={"item": entry.code, "period": parsed.code, "redacted": clean_body != (body or "").strip()},
    )
    return obj


@transaction.atomic
def item_update(*, actor: Any, item_id: int, title: str, body: str) -> DisclosureItem:
    obj = access_item(actor=actor, item_id=item_id)
    if not (relations.is_village_cadre(actor, obj.village_id) or relations.is_township(actor, obj.village_id)):
        raise Forbidden(_("公开事项由本村干部或乡镇党委干部修改"))
    obj = DisclosureItem.objects.select_for_update().get(pk=obj.pk)
    if obj.state != DisclosureItem.State.DRAFT:
        raise Conflict(_("只有草稿可以修改;已审核的请先退回"), field="state")
    if not title.strip():
        raise InvalidInput(errors={"title": _("请填写标题")})
    old = {"title": obj.title, "body": obj.body}
    obj.title, obj.body = rules.redact_personal(title.strip())[:120], rules.redact_personal(body.strip())[:MAX_BODY]
    obj.search = search_text(obj.title, obj.body)
    obj.save(update_fields=["title", "body", "search"])
    audit_record(
        actor=actor,
        action=AffairsAction.ITEM_UPDATE,
        obj=obj,
        region_code=obj.village_id,
        changes={k: [v, getattr(obj, k)] for k, v in old.items() if v != getattr(obj, k)},
    )
    return obj


def item_review(*, actor: Any, item_id: int, note: str = "") -> DisclosureItem:
    """The supervision committee reviews the item before it is posted (R-OPEN-03)."""
    obj = access_item(actor=actor, item_id=item_id)
    return transition(
        ITEM,
        actor=actor,
        obj=obj,
        name="review",
        reason=note,
        set_fields={"reviewed_by": actor, "reviewed_at": timezone.now()},
    )


def item_publish(*, actor: Any, item_id: int) -> DisclosureItem:
    """Post a reviewed item (before review → 409)."""
    obj = access_item(actor=actor, item_id=item_id)
    pagecache.changed(obj.village_id)
    return transition(
        ITEM, actor=actor, obj=obj, name="publish", set_fields={"published_by": actor, "published_at": timezone.now()}
    )


def item_reopen(*, actor: Any, item_id: int, reason: str) -> DisclosureItem:
    obj = access_item(actor=actor, item_id=item_id)
    return transition(
        ITEM, actor=actor, obj=obj, name="reopen", reason=reason, set_fields={"reviewed_by": None, "reviewed_at": None}
    )


@transaction.atomic
def pay_notice_items(*, actor: Any, run_id: int) -> list[DisclosureItem]:
    """R-OPEN-04 / WF-8: each village's cadre pay of a run in 村内公示, drafted as item F06 with
    names, posts and amounts only (then reviewed and published like any item). Made once per
    village and run; running it again returns what is there."""
    run = pay_runs_noticed(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("未找到该工资发放批次,或尚未进入村内公示"))
    rows = pay_notice_rows(run)
    by_village: dict[str, list[list[str]]] = defaultdict(list)
    for r in rows:
        by_village[r.village].append([r.name, r.post, f"{r.total:.2f}"])
    month = run.month
    period = f"{month.year}-{month.month:02d}"
    out: list[DisclosureItem] = []
    villages = {v.code: v for v in Region.objects.filter(code__in=list(by_village))}
    for code, table_rows in sorted(by_village.items()):
        key = f"payrun:{run.pk}"
        existing = DisclosureItem.objects.filter(village_id=code, source_key=key).first()
        if existing is not None:
            out.append(existing)
            continue
        title = _("%(y)s年%(m)s月村干部报酬公示") % {"y": month.year, "m": month.month}
        body = _("本月村干部报酬共 %(n)s 人,合计 %(t)s 元。") % {
            "n": len(table_rows),
            "t": f"{sum(float(r[2]) for r in table_rows):.2f}",
        }
        try:
            with transaction.atomic():
                item = DisclosureItem.objects.create(
                    village=villages[code],
                    item_code="F06",
                    category=DisclosureItem.Category.FINANCE,
                    period=period,
                    period_start=month.replace(day=1),
                    title=title,
                    body=body,
                    table={"columns": [str(_("姓名")), str(_("职务")), str(_("金额(元)"))], "rows": table_rows},
                    source_key=key,
                    search=search_text(title, body),
                    created_by=actor,
                )
        except IntegrityError:
            item = DisclosureItem.objects.get(village_id=code, source_key=key)
        out.append(item)
    audit_record(
        actor=actor, action=AffairsAction.PAY_NOTICE, obj=run, region_code=run.region_id, changes={"villages": len(out)}
    )
    return out


# --- objections ------------------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *, village_code: str, text: str, item_id: int | None = None, contact: str = "", today: dt.date | None = None
) -> Objection:
    """A villager objects, with no account and no personal data required (R-OPEN-03); the answer is
    due `objection_reply_days` (10) days later."""
    village = public_village(village_code)
    errors: dict[str, str] = {}
    clean = (text or "").strip()
    if not clean:
        errors["text"] = _("请填写异议内容")
    elif len(clean) > 1000:
        errors["text"] = _("异议内容不能超过 1000 字")
    contact = (contact or "").strip()
    if len(contact) > 50:
        errors["contact"] = _("联系方式不能超过 50 个字符")
    item = None
    if item_id is not None:
        item = DisclosureItem.objects.filter(pk=item_id, village=village, state=DisclosureItem.State.PUBLISHED).first()
        if item is None:
            errors["item"] = _("未找到本村已公开的该事项")
    if errors:
        raise InvalidInput(errors=errors)
    day = today or timezone.localdate()
    due = rules.reply_due(day, policy_resolve(village.code, day)["objection_reply_days"])
    obj = Objection.objects.create(
        village=village,
        item=item,
        text=clean,
        filed_on=day,
        reply_due=due,
        contact_enc=encrypt(contact, context="affairs.objection.contact") if contact else "",
        contact_masked=("*" * max(len(contact) - 4, 0) + contact[-4:])[:30] if contact else "",
    )
    pagecache.changed(village.code)
    audit_record(
        actor=None,
        action=AffairsAction.OBJECTION_FILE,
        obj=obj,
        region_code=village.code,
        username="(村民)",
        changes={"item": item_id, "reply_due": due.isoformat()},
    )
    return obj


def objection_answer(*, actor: Any, objection_id: int, reply: str) -> Objection:
    """The township (or the village's head) answers; the answer is shown on the public page."""
    obj = access_objection(actor=actor, objection_id=objection_id)
    text = (reply or "").strip()
    if not text:
        raise InvalidInput(errors={"reply": _("请填写答复内容")})
    pagecache.changed(obj.village_id)
    return transition(
        OBJECTION,
        actor=actor,
        obj=obj,
        name="answer",
        set_fields={"reply": rules.redact_personal(text)[:4000], "replied_by": actor, "replied_at": timezone.now()},
    )
