from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Replacement orders"

    def ready(self) -> None:
        from orders import receivers  # noqa: F401
