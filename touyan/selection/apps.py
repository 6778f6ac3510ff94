from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "touyan.selection"
    label = "selection"
    verbose_name = "选用与退出"

    def ready(self) -> None:
        from touyan.core import demo, todos

        from . import hooks
        from .demo import demo_step

        todos.register(hooks.selection_todos)
        demo.register_step(demo_step)
