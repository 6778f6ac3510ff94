from django.urls import path

from . import views, views_structure

urlpatterns = [
    path("", views.home, name="home"),
    path("stats/structure/", views_structure.structure_current, name="structure_current"),
    path("stats/structure/<str:code>/", views_structure.structure, name="structure"),
    path("stats/structure/<str:code>/export/", views_structure.structure_export, name="structure_export"),
]
