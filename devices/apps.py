from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Security devices"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
