from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "touyan.training"
    label = "training"
    verbose_name = "干部培养"

    def ready(self) -> None:
        from touyan.core.demo import register_step

        from .demo import demo_step

        register_step(demo_step, key="training")
