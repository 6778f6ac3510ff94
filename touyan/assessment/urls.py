"""Assessment pages (考核评价): each page about a region carries its code; the menu's entries
(no code) open the current region's page."""

from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("periods/", views.entry, {"page": "periods"}, name="periods_current"),
    path("periods/<str:code>/", views.periods, name="periods"),
    path("quarterly/", views.entry, {"page": "quarterly"}, name="quarterly_current"),
    path("quarterly/<str:code>/<int:year>/<int:quarter>/", views.quarterly, name="quarterly"),
    path("annual/", views.entry, {"page": "annual"}, name="annual_current"),
    path("annual/<str:code>/<int:year>/", views.annual, name="annual"),
    path("competency/", views.entry, {"page": "competency"}, name="competency_current"),
    path("competency/<str:code>/<int:year>/<int:half>/", views.competency, name="competency"),
    path("pledges/", views.entry, {"page": "pledges"}, name="pledges_current"),
    path("pledges/<str:code>/<int:year>/", views.pledges, name="pledges"),
    path("me/", views.me, name="me"),
    path("pioneer/", views.entry, {"page": "pioneer"}, name="pioneer_current"),
    path("pioneer/<str:code>/<int:year>/", views.pioneer, name="pioneer"),
    path("stars/", views.entry, {"page": "stars"}, name="stars_current"),
    path("stars/<str:code>/<int:year>/", views.stars, name="stars"),
    path("distribution/", views.entry, {"page": "distribution"}, name="distribution_current"),
    path("distribution/<str:code>/<int:year>/", views.distribution, name="distribution"),
]
