from django.urls import path

from touyan.regions.current import current_page

from . import views

app_name = "policy"
urlpatterns = [
    path("", current_page("policy:edit"), name="edit_current"),
    path("<str:code>/", views.edit, name="edit"),
]
