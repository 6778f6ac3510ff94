from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "touyan.cadres"
    label = "cadres"
