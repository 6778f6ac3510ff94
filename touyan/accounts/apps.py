from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "touyan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from touyan.regions.scope import register_assigned_villages

        from .scope import liaison_villages

        register_assigned_villages(liaison_villages)
