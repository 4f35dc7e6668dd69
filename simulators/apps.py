from django.apps import AppConfig


class SimulatorsConfig(AppConfig):
    """The client's side of the security devices (cards, a phone with the IB Key app, the
    phone's inbox, security keys), installed only when SLS_SIMULATORS is on. Nothing of the
    portal imports it: it listens to what devices announces, and registers its encrypted
    columns for key rotation, here."""

    name = "simulators"
    verbose_name = "Device simulators"

    def ready(self) -> None:
        from devices.services.secrets import encrypted_columns_register
        from devices.signals import (
            demo_phone_activated,
            demo_security_key_registered,
            grid_card_printed,
        )
        from simulators.models import SimulatedCard, SimulatedSecurityKey
        from simulators.receivers import (
            demo_phone_keep,
            demo_security_key_keep,
            printed_card_keep,
        )

        grid_card_printed.connect(printed_card_keep, dispatch_uid="simulators.printed_card")
        demo_phone_activated.connect(demo_phone_keep, dispatch_uid="simulators.demo_phone")
        demo_security_key_registered.connect(
            demo_security_key_keep, dispatch_uid="simulators.demo_security_key"
        )
        encrypted_columns_register("simulated_cards", model=SimulatedCard, fields=("printed_grid",))
        encrypted_columns_register(
            "simulated_security_keys", model=SimulatedSecurityKey, fields=("authenticator",)
        )
