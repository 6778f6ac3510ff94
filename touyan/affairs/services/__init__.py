"""Writes of village affairs, one module per part; each service audits what it writes."""

from .collective import ImportReport, collective_income_import, collective_income_put, supervision_create
from .decisions import StepIn, decision_create, decision_reject, decision_revise, decision_step, step_countersign
from .disclosure import (
    item_create,
    item_publish,
    item_reopen,
    item_review,
    item_update,
    objection_answer,
    objection_file,
    pay_notice_items,
)
from .spending import attachment_add, expenditure_create, expenditure_link, expenditure_sign

__all__ = [
    "ImportReport",
    "StepIn",
    "attachment_add",
    "collective_income_import",
    "collective_income_put",
    "decision_create",
    "decision_reject",
    "decision_revise",
    "decision_step",
    "expenditure_create",
    "expenditure_link",
    "expenditure_sign",
    "item_create",
    "item_publish",
    "item_reopen",
    "item_review",
    "item_update",
    "objection_answer",
    "objection_file",
    "pay_notice_items",
    "step_countersign",
    "supervision_create",
]
