from django.urls import path

from . import views

app_name = "policy"
urlpatterns = [
    path("", views.edit_current, name="edit_current"),
    path("<str:code>/", views.edit, name="edit"),
]
