"""Routes of the development pages; included under "training/" (namespace training)."""

from __future__ import annotations

from django.urls import path

from . import views as v
from . import views_sheets as sheets

app_name = "training"
urlpatterns = [
    path("", v.calendar, name="calendar"),
    path("events/new/", v.event_new, name="event_new"),
    path("events/<int:event_id>/", v.event, name="event"),
    path("events/<int:event_id>/roll-call/", v.roll_call, name="roll_call"),
    path("events/<int:event_id>/result/", v.result, name="result"),
    path("events/<int:event_id>/roll-import/", sheets.roll_import_page, name="roll_import"),
    path("events/<int:event_id>/roll-template.xlsx", sheets.roll_import_template, name="roll_template"),
    path("report/", sheets.report, name="report"),
    path("report.xlsx", sheets.report_xlsx, name="report_xlsx"),
    path("events/<int:event_id>/feedback/", v.feedback, name="feedback"),
    path("me/", v.me, name="me"),
    path("cadres/<int:cadre_id>/", v.cadre, name="cadre"),
    path("compliance/", v.compliance, name="compliance"),
    path("reserves/", v.reserves, name="reserves"),
    path("reserves/new/", v.reserve_new, name="reserve_new"),
    path("certificates/", v.certificates, name="certificates"),
    path("certificates/new/", v.certificate_new, name="certificate_new"),
    path("secondments/", v.secondments, name="secondments"),
    path("secondments/new/", v.secondment_new, name="secondment_new"),
    path("export/ledger.xlsx", v.export_ledger, name="export_ledger"),
    path("export/reserves.xlsx", v.export_reserves, name="export_reserves"),
]
