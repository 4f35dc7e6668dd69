from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The browser login flow, the Secure Login System settings page and the dashboard:
    the one app that composes accounts, devices and withdrawals (it has no models)."""

    name = "portal"
    verbose_name = "Client Portal"
