from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.detail_current, name="detail_current"),
    path("switch/", views.switch, name="switch"),
    path("<str:code>/", views.detail, name="detail"),
]
