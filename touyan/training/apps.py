from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "touyan.training"
    label = "training"
    verbose_name = "干部培养"

    def ready(self) -> None:
        from touyan.core import todos

        from .todos import training_todos

        todos.register(training_todos, key="training")
