from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Clients, users and login"

    def ready(self) -> None:
        from accounts import receivers  # noqa: F401
        from accounts.roles import staff_roles_sync

        # The staff groups follow the code after every migrate, instead of data
        # migrations that would import today's role definitions into history.
        post_migrate.connect(staff_roles_sync, sender=self)
