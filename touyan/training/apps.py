from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "touyan.training"
    label = "training"
    verbose_name = "干部培养"

    def ready(self) -> None:
        from touyan.core import todos
        from touyan.core.demo import register_step

        from .demo import demo_step
        from .todos import training_todos

        register_step(demo_step, key="training")
        todos.register(training_todos, key="training")
