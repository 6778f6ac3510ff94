from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "touyan.regions"
    label = "regions"
