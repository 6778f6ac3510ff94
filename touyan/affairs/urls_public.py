"""Routes of the public pages (云公开); included under "public/" (namespace public). No login."""

from __future__ import annotations

from django.urls import path

from .views import public

app_name = "public"
urlpatterns = [
    path("villages/<str:code>/", public.village, name="village"),
    path("villages/<str:code>/powers/", public.powers, name="powers"),
    path("villages/<str:code>/qr.png", public.qr, name="qr"),
    path("villages/<str:code>/poster/", public.poster, name="poster"),
    path("villages/<str:code>/objection/", public.objection, name="objection"),
    path("files/<int:file_id>/", public.attachment, name="file"),
]
