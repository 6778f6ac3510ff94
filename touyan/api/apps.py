from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "touyan.api"
    label = "api"
