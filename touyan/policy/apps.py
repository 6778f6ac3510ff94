from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "touyan.policy"
    label = "policy"
