"""The project's URLs plus a trivial view, for bench/attendance_post.py only (selected by
bench/att_settings.py): the same middleware and server, a view that does nothing."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urls


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *project_urls]
