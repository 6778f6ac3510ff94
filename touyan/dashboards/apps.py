from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "touyan.dashboards"
    label = "dashboards"
