"""Routes of the public pages (云公开); included under "public/" (namespace public). No login."""

from __future__ import annotations

from django.urls import path

app_name = "public"
urlpatterns: list = []
