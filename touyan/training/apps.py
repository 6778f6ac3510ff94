from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "touyan.training"
    label = "training"
    verbose_name = "干部培养"
