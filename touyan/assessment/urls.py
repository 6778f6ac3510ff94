"""Assessment pages (考核评价): each page about a region carries its code; the menu's entries
(no code) open the current region's page. Each action has its own POST address under its page;
a form posted to the page itself with `action=` still works (the older addresses)."""

from django.urls import path

from . import views

QUARTER = "quarterly/<str:code>/<int:year>/<int:quarter>/"
ANNUAL = "annual/<str:code>/<int:year>/"
COMPETENCY = "competency/<str:code>/<int:year>/<int:half>/"
PLEDGES = "pledges/<str:code>/<int:year>/"

app_name = "assessment"
urlpatterns = [
    path("periods/", views.entry, {"page": "periods"}, name="periods_current"),
    path("periods/<str:code>/", views.periods, name="periods"),
    path("periods/<str:code>/open/", views.period_open, name="period_open"),
    path("periods/<str:code>/advance/", views.period_advance, name="period_advance"),
    path("periods/<str:code>/exempt/", views.period_exempt, name="period_exempt"),
    path("quarterly/", views.entry, {"page": "quarterly"}, name="quarterly_current"),
    path(QUARTER, views.quarterly, name="quarterly"),
    path(QUARTER + "save/", views.quarterly_save, name="quarterly_save"),
    path(QUARTER + "finalize/", views.quarterly_finalize, name="quarterly_finalize"),
    path(QUARTER + "finalize-all/", views.quarterly_finalize_all, name="quarterly_finalize_all"),
    path(QUARTER + "correct/", views.quarterly_correct, name="quarterly_correct"),
    path("annual/", views.entry, {"page": "annual"}, name="annual_current"),
    path(ANNUAL, views.annual, name="annual"),
    path(ANNUAL + "compute/", views.annual_compute, name="annual_compute"),
    path(ANNUAL + "finalize/", views.annual_finalize, name="annual_finalize"),
    path(ANNUAL + "consequences/done/", views.consequence_done, name="consequence_done"),
    path("competency/", views.entry, {"page": "competency"}, name="competency_current"),
    path(COMPETENCY, views.competency, name="competency"),
    path(COMPETENCY + "record/", views.competency_record, name="competency_record"),
    path("pledges/", views.entry, {"page": "pledges"}, name="pledges_current"),
    path(PLEDGES, views.pledges, name="pledges"),
    path(PLEDGES + "publicise/", views.pledge_publicise, name="pledge_publicise"),
    path(PLEDGES + "return/", views.pledge_return, name="pledge_return"),
    path(PLEDGES + "withdraw/", views.pledge_withdraw, name="pledge_withdraw"),
    path(PLEDGES + "review/", views.pledge_review, name="pledge_review"),
    path(PLEDGES + "targets/advance/", views.target_advance, name="target_advance"),
    path(PLEDGES + "targets/assess/", views.target_assess, name="target_assess"),
    path("me/", views.me, name="me"),
    path("me/pledge/", views.me_pledge_save, name="me_pledge_save"),
    path("me/pledge/submit/", views.me_pledge_submit, name="me_pledge_submit"),
    path("me/pledge/midyear/", views.me_midyear, name="me_midyear"),
    path("me/pledge/yearend/", views.me_yearend, name="me_yearend"),
    path("me/targets/", views.me_target_save, name="me_target_save"),
    path("pioneer/", views.entry, {"page": "pioneer"}, name="pioneer_current"),
    path("pioneer/<str:code>/<int:year>/", views.pioneer, name="pioneer"),
    path("pioneer/<str:code>/<int:year>/record/", views.pioneer_record, name="pioneer_record"),
    path("stars/", views.entry, {"page": "stars"}, name="stars_current"),
    path("stars/<str:code>/<int:year>/", views.stars, name="stars"),
    path("stars/<str:code>/<int:year>/rate/", views.star_rate, name="star_rate"),
    path("distribution/", views.entry, {"page": "distribution"}, name="distribution_current"),
    path("distribution/<str:code>/<int:year>/", views.distribution, name="distribution"),
]
