"""Routes of the selection and exit pages; included under "selection/" (namespace selection)."""

from __future__ import annotations

from django.urls import path

from . import views as v
from . import views_exit as x

app_name = "selection"
urlpatterns = [
    path("", v.board, name="board"),
    path("cases/new/", v.case_new, name="case_new"),
    path("cases/<int:case_id>/", v.case, name="case"),
    path("cases/<int:case_id>/action/", v.case_action, name="case_action"),
    path("cases/<int:case_id>/records/", v.record_new, name="record_new"),
    path("reviews/", v.queue, name="queue"),
    path("reviews/<int:review_id>/", v.queue_answer, name="queue_answer"),
    path("reviews/clear/", v.queue_clear, name="queue_clear"),
    path("quotas/", v.quotas, name="quotas"),
    path("overdue/", v.overdue, name="overdue"),
    path("lists/", v.prof_lists, name="prof_lists"),
    path("lists/propose/", v.prof_list_propose, name="prof_list_propose"),
    path("lists/<int:list_id>/approve/", v.prof_list_approve, name="prof_list_approve"),
    path("exits/", x.exits, name="exits"),
    path("exits/new/", x.exit_new, name="exit_new"),
    path("exits/<int:exit_id>/", x.exit_page, name="exit"),
    path("exits/<int:exit_id>/action/", x.exit_action, name="exit_action"),
]
