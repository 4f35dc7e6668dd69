"""The Compliance role: staff who clear device shares that wait for review (H3). A
`post_migrate` handler (DevicesConfig.ready), `seed_demo` and the tests call this, so the
definition lives in one place, beside the Support role of `accounts.roles`."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.apps.registry import Apps

from accounts.roles import group_sync

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


def compliance_role_sync(sender: object, apps: Apps = global_apps, **kwargs: object) -> None:
    """`post_migrate`: the Compliance group, with exactly its permissions."""
    compliance_group_sync(apps)


def compliance_group_sync(apps: Apps = global_apps) -> None:
    """Create the Compliance group with exactly its permissions (idempotent)."""
    group_sync(apps, COMPLIANCE_GROUP, COMPLIANCE_PERMISSIONS)
