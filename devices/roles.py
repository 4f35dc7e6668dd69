"""The Compliance role: staff who clear device shares that wait for review (H3). The
migration that creates it, `seed_demo` and the tests call this, so the definition lives
in one place, beside the Support role of `accounts.roles`."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

COMPLIANCE_GROUP = "Compliance"

# Least privilege: read the shares and both clients' identification data, read the trail,
# approve or reject a share; no edits of users, clients, devices or groups.
COMPLIANCE_PERMISSIONS = [
    ("devices", "view_deviceshare"),
    ("devices", "decide_deviceshare"),
    ("accounts", "view_user"),
    ("accounts", "view_client"),
    ("accounts", "view_auditevent"),
]


def compliance_group_sync(apps: Apps = global_apps) -> None:
    """Create the Compliance group with exactly its permissions (idempotent). `apps` is
    the historical registry when a migration calls it."""
    for app_config in apps.get_app_configs():
        # Permissions are normally made after all migrations; a migration needs them now.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=COMPLIANCE_GROUP)
    group.permissions.set(
        [
            permission_model.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in COMPLIANCE_PERMISSIONS
        ]
    )
