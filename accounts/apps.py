from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Clients, users and login"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
