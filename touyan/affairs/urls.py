"""Routes of the village-affairs pages; included under "affairs/" (namespace affairs)."""

from __future__ import annotations

from django.urls import path

from .views import open as o
from .views import work as w

app_name = "affairs"
urlpatterns = [
    path("", w.home, name="home"),
    path("decisions/", w.decisions, name="decisions"),
    path("decisions/new/", w.decision_new, name="decision_new"),
    path("decisions/<int:decision_id>/", w.decision, name="decision"),
    path("decisions/<int:decision_id>/step/", w.decision_step, name="decision_step"),
    path("decisions/<int:decision_id>/reject/", w.decision_reject, name="decision_reject"),
    path("decisions/<int:decision_id>/revise/", w.decision_revise, name="decision_revise"),
    path("decisions/<int:decision_id>/steps/<int:step>/sign/", w.step_sign, name="step_sign"),
    path("decisions/<int:decision_id>/steps/<int:step>/file/", w.step_file, name="step_file"),
    path("spending/", w.spending, name="spending"),
    path("spending/new/", w.spend_new, name="spend_new"),
    path("spending/<int:expenditure_id>/", w.spend, name="spend"),
    path("spending/<int:expenditure_id>/sign/", w.spend_sign, name="spend_sign"),
    path("spending/<int:expenditure_id>/link/", w.spend_link, name="spend_link"),
    path("spending/<int:expenditure_id>/file/", w.spend_file, name="spend_file"),
    path("disclosures/", o.items, name="items"),
    path("disclosures/new/", o.item_new, name="item_new"),
    path("disclosures/pay-notice/", o.pay_notice, name="pay_notice"),
    path("disclosures/<int:item_id>/", o.item, name="item"),
    path("disclosures/<int:item_id>/file/", o.item_file, name="item_file"),
    path("disclosures/<int:item_id>/<str:action>/", o.item_action, name="item_action"),
    path("objections/", o.objections, name="objections"),
    path("objections/<int:objection_id>/answer/", o.objection_answer, name="objection_answer"),
    path("powers/", o.powers, name="powers"),
    path("collective/", o.collective, name="collective"),
    path("collective/template.xlsx", o.collective_template, name="collective_template"),
    path("supervision/", o.supervision, name="supervision"),
    path("supervision/new/", o.supervision_new, name="supervision_new"),
    path("supervision/cadre/<int:cadre_id>/", o.cadre_supervision, name="cadre_supervision"),
    path("public-pages/", o.public_links, name="public_links"),
]
