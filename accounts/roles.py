"""Staff roles. The migration that creates them and `seed_demo` both call this, so the
definition lives in one place."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

SUPPORT_GROUP = "Support"

# Least privilege: find a caller, read the trail, lift a lock; no edits of users or groups.
SUPPORT_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "lift_lockout"),
    ("accounts", "view_client"),
    ("accounts", "view_account"),
    ("accounts", "view_auditevent"),
]


def support_group_sync(apps: Apps = global_apps) -> None:
    """Create the Support group with exactly its permissions (idempotent). `apps` is the
    historical registry when a migration calls it."""
    for app_config in apps.get_app_configs():
        # Permissions are normally made after all migrations; a migration needs them now.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=SUPPORT_GROUP)
    group.permissions.set(
        [
            permission_model.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in SUPPORT_PERMISSIONS
        ]
    )
