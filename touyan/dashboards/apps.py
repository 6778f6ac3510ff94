from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "touyan.dashboards"
    label = "dashboards"

    def ready(self) -> None:
        from .todos import register_all

        register_all()
