"""System checks of the devices app, run by `manage.py check`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.module_loading import import_string

GATEWAY_WRITES_TO_LOG = "devices.W001"


@register(Tags.security, deploy=True)
def message_gateway_check(app_configs, **kwargs) -> list[Warning]:
    """G7: codes never reach a log in production. A gateway that writes each message to
    standard output or a file is reported, even when the production settings were told to
    start with it."""
    path = settings.SLS_MESSAGE_GATEWAY
    try:
        gateway = import_string(path)
    except ImportError:
        return [
            Warning(
                f"SLS_MESSAGE_GATEWAY names {path!r}, which cannot be imported.",
                hint="Name a gateway class by its dotted path (devices/gateways/).",
                id="devices.W002",
            )
        ]
    if not getattr(gateway, "writes_to_log", False):
        return []
    return [
        Warning(
            f"SLS_MESSAGE_GATEWAY={path} writes every text message and voice call, codes "
            "included, to standard output or a file (G7).",
            hint="Deploy with a gateway that delivers messages (the outbox by default); "
            "SLS_ALLOW_INSECURE_MESSAGE_GATEWAY=true is for a trial on your own machine.",
            id=GATEWAY_WRITES_TO_LOG,
        )
    ]
