"""Writes of village spending and its joint sign-off (联审联签, R-FIN-01/02), every signature audited
through the SPEND flow; and attachments (minutes, signed sheets, invoices, items' files)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from touyan.audit.services import audit_record
from touyan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from touyan.core.money import to_fen
from touyan.core.workflow import transition
from touyan.policy.selectors import policy_resolve

from .. import relations, rules
from ..actions import AffairsAction
from ..flows import SPEND
from ..models import Attachment, Decision, DecisionStep, DisclosureItem, Expenditure, SignOff
from ..selectors import access_decision, access_village

MAX_AMOUNT = Decimal("999999999999.99")


def _decision_of(actor: Any, village_code: str, decision_id: int | None) -> Decision | None:
    if decision_id is None:
        return None
    try:
        decision = access_decision(actor=actor, decision_id=decision_id)
    except NotFound:
        decision = None
    if decision is None or decision.village_id != village_code:
        raise InvalidInput(errors={"decision": _("未找到本村的该决策事项")})
    return decision


@transaction.atomic
def expenditure_create(
    *,
    actor: Any,
    village_code: str,
    amount: Decimal,
    purpose: str,
    payee: str,
    decision_id: int | None = None,
    is_works: bool = False,
) -> Expenditure:
    """A village cadre files a spend (the spender's own signature, R-FIN-01); the band and its
    signers follow the township's bands (R-FIN-02). A spend that needs 四议两公开 is filed, but no
    one may sign it until it is linked to a closed decision."""
    village = access_village(actor=actor, code=village_code)
    if not (relations.is_village_cadre(actor, village.code) or relations.is_township(actor, village.code)):
        raise Forbidden(_("村级支出由本村干部登记"))
    errors: dict[str, str] = {}
    if amount is None or amount <= 0 or amount > MAX_AMOUNT:
        errors["amount"] = _("金额须大于 0")
    if not (purpose or "").strip():
        errors["purpose"] = _("请填写用途(附有效票据)")
    if not (payee or "").strip():
        errors["payee"] = _("请填写收款方")
    if errors:
        raise InvalidInput(errors=errors)
    decision = _decision_of(actor, village.code, decision_id)
    policy = policy_resolve(village.code)
    band = rules.spending_band(
        to_fen(amount),
        band_1=policy["finance_band_1"],
        band_2=policy["finance_band_2"],
        major_threshold=policy["major_matter_threshold"],
        works_audit_threshold=policy["works_audit_threshold"],
        is_works=is_works,
    )
    spend = Expenditure.objects.create(
        village=village,
        amount=to_fen(amount),
        purpose=purpose.strip()[:200],
        payee=payee.strip()[:100],
        is_works=is_works,
        decision=decision,
        band=band.band,
        signers=list(band.signers),
        needs_decision=band.needs_decision,
        works_audit=band.works_audit,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AffairsAction.SPEND_CREATE,
        obj=spend,
        region_code=village.code,
        changes={"amount": [None, str(spend.amount)], "band": [None, band.band], "decision": [None, decision_id]},
    )
    return spend


def _decision_closed(spend: Expenditure) -> bool:
    return (
        spend.decision_id is not None
        and Decision.objects.filter(pk=spend.decision_id, state=Decision.State.CLOSED).exists()
    )


@transaction.atomic
def expenditure_sign(*, actor: Any, expenditure_id: int, approve: bool, reason: str = "") -> Expenditure:
    """The next signer approves or refuses (a refusal needs its reason). Out of turn → 403; a spend
    that needs 四议两公开 without a closed decision → 409 (R-FIN-02, R-DEC-03)."""
    from ..selectors import access_expenditure

    spend = access_expenditure(actor=actor, expenditure_id=expenditure_id)
    closed = _decision_closed(spend)
    if approve and spend.needs_decision and not closed:
        raise Conflict(
            _("金额 %(a)s 元须经四议两公开并经乡镇审批:请先关联本村已办结的决策事项") % {"a": f"{spend.amount:.2f}"},
            field="decision",
        )
    # Separation of duties (R-FIN-01): the spender and each signer sign once.
    signed_before = spend.created_by_id == getattr(actor, "pk", None) or (
        SignOff.objects.filter(expenditure=spend, signer=actor).exists()
    )
    last = spend.next_index >= len(spend.signers) - 1
    name = ("book" if last else "sign") if approve else "refuse"
    role = spend.next_role

    def effect(locked: Expenditure) -> list[str]:
        SignOff.objects.create(
            expenditure=locked,
            position=locked.next_index,
            role=role or "",
            signer=actor,
            signer_name=(actor.display_name or actor.username)[:50],
            approve=approve,
            reason=reason.strip()[:300],
        )
        locked.next_index += 1
        return ["next_index"]

    return transition(
        SPEND,
        actor=actor,
        obj=spend,
        name=name,
        reason=reason,
        facts={"decision_closed": closed, "signed_before": signed_before},
        effect=effect,
        changes={"role": role, "approve": approve},
    )


@transaction.atomic
def expenditure_link(*, actor: Any, expenditure_id: int, decision_id: int) -> Expenditure:
    """Link a spend to the village's decision (the head or the township)."""
    from ..selectors import access_expenditure

    spend = access_expenditure(actor=actor, expenditure_id=expenditure_id)
    if not (relations.is_head(actor, spend.village_id) or relations.is_township(actor, spend.village_id)):
        raise Forbidden(_("由村党组织书记(主任)或乡镇党委干部关联"))
    if spend.state != Expenditure.State.SIGNING:
        raise Conflict(_("已办结的支出不能再修改"), field="state")
    decision = _decision_of(actor, spend.village_id, decision_id)
    old = spend.decision_id
    spend.decision = decision
    spend.save(update_fields=["decision"])
    audit_record(
        actor=actor,
        action=AffairsAction.SPEND_LINK,
        obj=spend,
        region_code=spend.village_id,
        changes={"decision": [old, decision_id]},
    )
    return spend


# --- attachments ---------------------------------------------------------------------------------------

ALLOWED = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")
MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def attachment_add(
    *, actor: Any, owner: DecisionStep | DisclosureItem | Expenditure, upload: UploadedFile, kind: str = "other"
) -> Attachment:
    """Attach a file (the caller has fetched `owner` through its access_* selector)."""
    village = owner.decision.village_id if isinstance(owner, DecisionStep) else owner.village_id
    if not (relations.is_village_cadre(actor, village) or relations.is_township(actor, village)):
        raise Forbidden(_("由本村干部或乡镇党委干部上传"))
    name = (upload.name or "").rsplit("/", 1)[-1][:120]
    if not name.lower().endswith(ALLOWED):
        raise InvalidInput(errors={"file": _("只能上传 PDF、图片、Word 或 Excel 文件")})
    if (upload.size or 0) > MAX_BYTES:
        raise InvalidInput(errors={"file": _("文件不能超过 10 MB")})
    if isinstance(owner, DisclosureItem) and owner.state == DisclosureItem.State.PUBLISHED:
        raise Conflict(_("已公开的事项不能再添加附件"), field="state")
    if kind not in Attachment.Kind.values:
        kind = Attachment.Kind.OTHER
    owner_field = {DecisionStep: "step", DisclosureItem: "item", Expenditure: "expenditure"}[type(owner)]
    att = Attachment(village_id=village, kind=kind, name=name, size=upload.size or 0, uploaded_by=actor)
    setattr(att, owner_field, owner)
    att.file.save(name, upload, save=False)
    att.save()
    audit_record(
        actor=actor,
        action=AffairsAction.ATTACHMENT_ADD,
        obj=att,
        region_code=village,
        changes={owner_field: owner.pk, "name": name},
    )
    return att
