from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "touyan.core"
    verbose_name = "核心"
