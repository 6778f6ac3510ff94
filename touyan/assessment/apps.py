from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "touyan.assessment"
    label = "assessment"
