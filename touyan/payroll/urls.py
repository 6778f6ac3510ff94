"""Payroll pages (报酬待遇) under /payroll/."""

from django.urls import path

from touyan.core import urlparams  # noqa: F401 - registers the year converter (2000–2100)
from touyan.regions.current import current_page, last_year, this_year

from . import views

app_name = "payroll"
urlpatterns = [
    path("policy/", current_page("payroll:policy"), name="policy_current"),
    path("policy/<str:code>/", views.policy_view, name="policy"),
    path("runs/", views.runs, name="runs"),
    path("runs/open/", views.run_open, name="run_open"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("runs/<int:run_id>/calculate/", views.run_calculate, name="run_calculate"),
    path("runs/<int:run_id>/status/", views.run_status, name="run_status"),
    path("runs/<int:run_id>/advance/", views.run_advance, name="run_advance"),
    path("runs/<int:run_id>/steps/<str:step>/", views.run_step, name="run_step"),
    path("runs/<int:run_id>/summary.xlsx", views.run_summary, name="run_summary"),
    path("runs/<int:run_id>/payout.csv", views.run_payout, name="run_payout"),
    path("payslips/<int:payslip_id>/", views.payslip_detail, name="payslip"),
    path("payslips/<int:payslip_id>/pdf/", views.payslip_pdf, name="payslip_pdf"),
    path("me/", views.my_payslips, name="me"),
    path("cadres/<int:cadre_id>/bank/", views.bank_account, name="bank"),
    path("bank/import/", views.bank_import, name="bank_import"),
    path("bank/import/template.xlsx", views.bank_import_template, name="bank_import_template"),
    path("insurance/", current_page("payroll:insurance", this_year, village_up=True), name="insurance_current"),
    path("insurance/<str:code>/<year:year>/", views.insurance, name="insurance"),
    path("insurance/<str:code>/<year:year>/save/", views.insurance_save, name="insurance_save"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/new/", views.reward_new, name="reward_new"),
    path("rewards/<int:reward_id>/", views.reward_detail, name="reward"),
    path("rewards/<int:reward_id>/decide/", views.reward_decide, name="reward_decide"),
    path("rewards/<int:reward_id>/approve/", views.reward_approve_view, name="reward_approve"),
    path("rewards/<int:reward_id>/reject/", views.reward_reject, name="reward_reject"),
    path("honours/", views.honours, name="honours"),
    path("honours/new/", views.honour_new, name="honour_new"),
    path("condolences/", views.condolences, name="condolences"),
    path("condolences/new/", views.condolence_new, name="condolence_new"),
    path("departures/", views.departures, name="departures"),
    path("departures/new/", views.departure_new, name="departure_new"),
    path("departures/<int:departure_id>/", views.departure_detail, name="departure"),
    path("departures/<int:departure_id>/advance/", views.departure_advance, name="departure_advance"),
    path("departures/<int:departure_id>/steps/<str:step>/", views.departure_step_view, name="departure_step"),
    path("weak/", current_page("payroll:weak", last_year, village_up=True), name="weak_current"),
    path("weak/<str:code>/<year:year>/", views.weak, name="weak"),
]
