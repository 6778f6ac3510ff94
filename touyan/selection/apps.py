from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "touyan.selection"
    label = "selection"
    verbose_name = "选用与退出"

    def ready(self) -> None:
        from touyan.core import todos

        from . import hooks

        todos.register(hooks.selection_todos)
