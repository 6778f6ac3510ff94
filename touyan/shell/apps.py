from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The shell above the domain apps: the side menu, the base template's context, the region in view."""

    name = "touyan.shell"
    label = "shell"
