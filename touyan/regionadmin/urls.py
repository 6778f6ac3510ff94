from django.urls import path

from touyan.regions.current import current_page

from . import views

app_name = "regions"
urlpatterns = [
    path("", current_page("regions:detail"), name="detail_current"),
    path("switch/", views.switch, name="switch"),
    path("<str:code>/", views.detail, name="detail"),
]
