from django.urls import path

from . import views, views_cockpit, views_structure

urlpatterns = [
    path("", views.home, name="home"),
    path("stats/structure/", views_structure.structure_current, name="structure_current"),
    path("stats/structure/<str:code>/", views_structure.structure, name="structure"),
    path("stats/structure/<str:code>/export/", views_structure.structure_export, name="structure_export"),
    path("stats/cockpit/", views_cockpit.cockpit_current, name="cockpit_current"),
    path("stats/cockpit/<str:code>/", views_cockpit.cockpit, name="cockpit"),
    path("stats/cockpit/<str:code>/export/", views_cockpit.cockpit_export, name="cockpit_export"),
    path("stats/alerts/", views_cockpit.alerts_current, name="alerts_current"),
    path("stats/alerts/<str:code>/", views_cockpit.alerts, name="alerts"),
    path("stats/alerts/<str:code>/export/", views_cockpit.alerts_export, name="alerts_export"),
]
