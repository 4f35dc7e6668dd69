from django.apps import AppConfig


class TradingConfig(AppConfig):
    name = "trading"
    verbose_name = "Trading platform"

    def ready(self) -> None:
        from trading import receivers  # noqa: F401
