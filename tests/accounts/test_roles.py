"""Staff roles follow the code: `post_migrate` gives each group exactly its permissions
after every migrate, and no migration imports the portal's live code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.roles import (
    SECURITY_TEAM_GROUP,
    SECURITY_TEAM_PERMISSIONS,
    SUPPORT_GROUP,
    SUPPORT_PERMISSIONS,
)
from devices.roles import COMPLIANCE_GROUP, COMPLIANCE_PERMISSIONS

PORTAL_APPS = {"accounts", "devices", "orders", "portal", "simulators", "trading", "withdrawals"}


def granted(name: str) -> set[tuple[str, str]]:
    group = Group.objects.get(name=name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "permissions"),
    [
        (SUPPORT_GROUP, SUPPORT_PERMISSIONS),
        (SECURITY_TEAM_GROUP, SECURITY_TEAM_PERMISSIONS),
        (COMPLIANCE_GROUP, COMPLIANCE_PERMISSIONS),
    ],
)
def test_migrate_leaves_each_staff_group_with_exactly_its_permissions(name, permissions):
    assert granted(name) == set(permissions)


def test_no_migration_imports_the_portals_live_code():
    """Only what Django's autodetector writes (model managers, field validators and
    defaults) and the portal's schema operations (`accounts.db`) may be imported; a data
    migration that imports roles or services would run tomorrow's code against yesterday's
    schema."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("*/migrations/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for imported in [module or "", *names]:
                parts = imported.split(".")
                if parts[0] in PORTAL_APPS and not set(parts) & {"models", "validators", "db"}:
                    offenders.append(f"{path.relative_to(root)}: {imported}")
    assert offenders == []
