from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "touyan.cadres"
    label = "cadres"

    def ready(self) -> None:
        from touyan.accounts import hooks

        from .selectors import access_cadre

        hooks.register_cadre_lookup(access_cadre)  # a cadre's login is bound to their own file
