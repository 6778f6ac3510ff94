"""Routes of the village-affairs pages; included under "affairs/" (namespace affairs)."""

from __future__ import annotations

from django.urls import path

app_name = "affairs"
urlpatterns: list = []
