from django.urls import path

from . import views

app_name = "cadres"
urlpatterns = [
    path("", views.roster_page, name="roster"),
    path("new/", views.create, name="create"),
    path("filings/", views.filings, name="filings"),
    path("<int:cadre_id>/", views.detail, name="detail"),
    path("<int:cadre_id>/edit/", views.edit, name="edit"),
    path("<int:cadre_id>/posts/", views.add_post, name="add_post"),
    path("<int:cadre_id>/posts/<int:post_id>/end/", views.end_post, name="end_post"),
    path("<int:cadre_id>/reveal/", views.reveal, name="reveal"),
]
