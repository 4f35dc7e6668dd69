"""SPEC G1 as a property of the source: the functions that check an answer are called by
the gate alone, so no page, service or API can verify a second factor on its own terms."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

GATE = Path("devices/flows/device_step.py")
CHECKERS = {
    "challenge_answer_check",
    "challenge_lock",
    "device_lock",
    "push_approval_lock",
    "push_approval_take",
}
APPS = ("accounts", "devices", "orders", "portal", "simulators", "trading", "withdrawals")


def callers_of(names: set[str]) -> dict[str, set[str]]:
    """Every module of the portal's apps that names one of `names` (import or call)."""
    root = Path(settings.BASE_DIR)
    found: dict[str, set[str]] = {}
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                name = (
                    node.id
                    if isinstance(node, ast.Name)
                    else node.attr
                    if isinstance(node, ast.Attribute)
                    else None
                )
                imported = (
                    {alias.name for alias in node.names}
                    if isinstance(node, ast.ImportFrom)
                    else set()
                )
                for hit in ({name} | imported) & names:
                    found.setdefault(hit, set()).add(str(path.relative_to(root)))
    return found


def test_G1_only_the_gate_checks_an_answer():
    callers = callers_of(CHECKERS)
    definitions = {"devices/services/verification.py", "devices/ib_key/push.py"}

    assert set(callers) == CHECKERS
    for name, modules in callers.items():
        assert modules - definitions == {str(GATE)}, name


def test_G1_django_otp_verify_token_is_not_called_by_the_portal():
    assert callers_of({"verify_token"}).get("verify_token", set()) <= {"devices/models.py"}
