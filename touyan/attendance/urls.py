"""Routes of the attendance pages; included under "attendance/" (namespace attendance)."""

from __future__ import annotations

from django.urls import path

from touyan.core import urlparams  # noqa: F401 - registers the yyyymm, isodate and year converters
from touyan.regions.current import current_page, this_month

from . import views, views_fence, views_leave, views_month, views_roster

app_name = "attendance"
urlpatterns = [
    path("me/", views.me, name="me"),
    path("duty-book/", views.duty_book_current, name="duty_book_current"),
    path("duty-book/<str:village>/<isodate:day>/", views.duty_book, name="duty_book"),
    path("import/", views.presence_import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("roster/", views_roster.roster_current, name="roster_current"),
    path("roster/<str:village>/<yyyymm:month>/", views_roster.roster, name="roster"),
    path("roster/<str:village>/<yyyymm:month>/copy/", views_roster.roster_copy, name="roster_copy"),
    path("gaps/", current_page("attendance:gaps", this_month), name="gaps_current"),
    path("gaps/<str:code>/<yyyymm:month>/", views_roster.gaps, name="gaps"),
    path("leave/", views_leave.leave_list, name="leave_list"),
    path("leave/new/", views_leave.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/", views_leave.leave_detail, name="leave_detail"),
    path("leave/<int:leave_id>/decide/", views_leave.leave_decide_view, name="leave_decide"),
    path("leave/<int:leave_id>/return/", views_leave.leave_return_view, name="leave_return"),
    path("monthly/", current_page("attendance:monthly", this_month), name="monthly_current"),
    path("monthly/<str:code>/<yyyymm:month>/", views_month.monthly, name="monthly"),
    path("monthly/<str:code>/<yyyymm:month>/export/", views_month.monthly_export, name="monthly_export"),
    path("monthly/<str:code>/<yyyymm:month>/lock/", views_month.monthly_lock, name="monthly_lock"),
    path("calendar/", views_month.calendar_current, name="calendar_current"),
    path("calendar/<int:year>/", views_month.calendar_year, name="calendar"),
    path("blocked/", views_month.blocked, name="blocked"),
    path("fences/", views_fence.fences_current, name="fences_current"),
    path("fences/<str:code>/", views_fence.fences, name="fences"),
]
