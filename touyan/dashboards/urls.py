from django.urls import path

from touyan.regions.current import current_page

from . import views, views_cockpit, views_reports, views_structure

urlpatterns = [
    path("", views.home, name="home"),
    path("stats/structure/", current_page("structure"), name="structure_current"),
    path("stats/structure/<str:code>/", views_structure.structure, name="structure"),
    path("stats/structure/<str:code>/export/", views_structure.structure_export, name="structure_export"),
    path("stats/cockpit/", views_cockpit.cockpit_current, name="cockpit_current"),
    path("stats/cockpit/<str:code>/", views_cockpit.cockpit, name="cockpit"),
    path("stats/cockpit/<str:code>/export/", views_cockpit.cockpit_export, name="cockpit_export"),
    path("stats/cockpit/<str:code>/report/", views_reports.report_start, name="report_start"),
    path("stats/reports/<int:job_id>/", views_reports.report_job, name="report_job"),
    path("stats/reports/<int:job_id>/status/", views_reports.report_status, name="report_status"),
    path("stats/reports/<int:job_id>/download/", views_reports.report_download, name="report_download"),
    path("stats/alerts/", current_page("alerts"), name="alerts_current"),
    path("stats/alerts/<str:code>/", views_cockpit.alerts, name="alerts"),
    path("stats/alerts/<str:code>/export/", views_cockpit.alerts_export, name="alerts_export"),
]
