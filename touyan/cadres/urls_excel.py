"""Routes of the roster import and export; included under "cadres/excel/" (namespace cadres_excel)."""

from django.urls import path

from . import views_excel

app_name = "cadres_excel"
urlpatterns = [
    path("template/", views_excel.template_download, name="template"),
    path("import/", views_excel.import_page, name="import"),
    path("export/", views_excel.export_start, name="export"),
    path("jobs/<int:job_id>/", views_excel.job_page, name="job"),
    path("jobs/<int:job_id>/status/", views_excel.job_status, name="job_status"),
    path("jobs/<int:job_id>/download/", views_excel.job_download, name="job_download"),
]
