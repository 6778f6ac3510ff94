from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`make demo` (`manage.py load_demo`): the demo data of every app, at the top of the layers."""

    name = "touyan.demo"
    label = "demo"
