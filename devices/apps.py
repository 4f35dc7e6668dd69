from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Security devices"

    def ready(self) -> None:
        from devices import checks  # noqa: F401  (registers the system checks)
        from devices.roles import compliance_role_sync

        post_migrate.connect(compliance_role_sync, sender=self)
