from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "touyan.accounts"
    label = "accounts"
