"""Staff roles. A `post_migrate` handler (AccountsConfig.ready), `seed_demo` and the tests
call these, so the definitions live in one place and the groups follow the code after
every migrate."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions
from django.db.models import Q

SUPPORT_GROUP = "Support"
SECURITY_TEAM_GROUP = "Security Team"

# Least privilege: find a caller, read the trail, lift a lock; issue a temporary passcode,
# mark a device lost or damaged or returned, list the temporary devices (T1); list the
# security keys and authenticator apps and remove one (F4); see and end trading-platform
# sessions; read the withdrawal ledger. No edits of users, groups, device rows or the
# ledger, no card stock, and no way to register a key or an app for anyone (F1, F3).
SUPPORT_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "lift_lockout"),
    ("accounts", "view_client"),
    ("accounts", "view_account"),
    ("accounts", "view_auditevent"),
    ("devices", "view_authenticator"),
    ("devices", "view_temporarydevice"),
    ("devices", "issue_temporary_passcode"),
    ("devices", "report_device"),
    ("devices", "record_device_return"),
    ("devices", "view_selfregistereddevice"),
    ("devices", "remove_device"),
    ("trading", "view_tradingsession"),
    ("trading", "end_tradingsession"),
    ("withdrawals", "view_withdrawal"),
]

# Least privilege: read what a request is about, then approve or reject it (O3); the
# change itself is applied by the approval, never by editing rows.
SECURITY_TEAM_PERMISSIONS = [
    ("accounts", "view_user"),
    ("accounts", "view_client"),
    ("accounts", "view_account"),
    ("accounts", "view_auditevent"),
    ("accounts", "view_bankinstruction"),
    ("accounts", "view_securityteamrequest"),
    ("accounts", "decide_securityteamrequest"),
]


def staff_roles_sync(sender: object, apps: Apps = global_apps, **kwargs: object) -> None:
    """`post_migrate`: the Support and Security Team groups, with exactly their permissions."""
    support_group_sync(apps)
    security_team_group_sync(apps)


def support_group_sync(apps: Apps = global_apps) -> None:
    """Create the Support group with exactly its permissions (idempotent). `apps` is the
    migrated state's registry when `post_migrate` calls it."""
    group_sync(apps, SUPPORT_GROUP, SUPPORT_PERMISSIONS)


def security_team_group_sync(apps: Apps = global_apps) -> None:
    """Create the Security Team group with exactly its permissions (idempotent)."""
    group_sync(apps, SECURITY_TEAM_GROUP, SECURITY_TEAM_PERMISSIONS)


def group_sync(apps: Apps, name: str, permissions: list[tuple[str, str]]) -> None:
    """Give the group `name` exactly `permissions`, creating both as needed."""
    for app_config in apps.get_app_configs():
        # Permissions are normally made after all migrations; a migration needs them now.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=name)
    wanted = Q()
    for app, codename in permissions:
        wanted |= Q(content_type__app_label=app, codename=codename)
    group.permissions.set(permission_model.objects.filter(wanted))
