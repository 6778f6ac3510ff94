from django.apps import AppConfig


class AffairsConfig(AppConfig):
    name = "touyan.affairs"
    label = "affairs"
    verbose_name = "村务决策与公开"

    def ready(self) -> None:
        from . import hooks

        hooks.register()
