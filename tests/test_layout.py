"""Imports run one way (issue 14): `simulators` on a floor of its own at the top (it plays
the client's cards and phone, and is installed only when SLS_SIMULATORS is on, so nothing
of the portal may need it), then `portal` and `trading`, then `withdrawals` and `orders`,
then `devices`, then `accounts`, which imports no other app of the portal. An app may
import its own floor and the floors below it, never one above; `withdrawals` and `orders`
share a floor but import neither the other.

Every module of the layered apps is read with `ast` (migrations left out: they name other
apps only as history), imports inside functions and `TYPE_CHECKING` blocks included, so a
lazy import cannot hide a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]

# Higher runs above lower; apps on the same floor may import each other.
LAYERS = {
    "simulators": 4,
    "portal": 3,
    "trading": 3,
    "withdrawals": 2,
    "orders": 2,
    "devices": 1,
    "accounts": 0,
}
# Apps on one floor that still import neither the other: money withdrawn and cards shipped
# share no rule, and each builds on devices alone, so a change to one never reaches the other.
APART = frozenset({frozenset({"withdrawals", "orders"})})
# Project packages not placed on a floor yet: imports of them are not checked.
NOT_LAYERED = frozenset({"bench", "sls_portal"})

# (importing module, imported module) pairs that still run up. This list only shrinks: an
# entry leaves it when its import is untangled, a new one is never added, and an entry
# whose import is gone fails the test below so it is taken out. accounts has none.
NOT_YET_LAYERED: frozenset[tuple[str, str]] = frozenset()


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str) -> list[tuple[str, int]]:
    """The absolute modules `source` imports, with their line numbers. Relative imports
    stay inside their own app, so they cannot run up."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


def upward_imports(app: str, source: str) -> list[tuple[str, int]]:
    """The imports in `source`, a module of `app`, of an app on a higher floor."""
    floor = LAYERS[app]
    return [
        (module, line)
        for module, line in _imports(source)
        if LAYERS.get(module.split(".")[0], -1) > floor
    ]


def sideways_imports(app: str, source: str) -> list[tuple[str, int]]:
    """The imports in `source`, a module of `app`, of an app it is kept apart from."""
    return [
        (module, line)
        for module, line in _imports(source)
        if frozenset({app, module.split(".")[0]}) in APART
    ]


def _modules() -> list[tuple[str, Path]]:
    modules = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                modules.append((app, path))
    return modules


def _violations() -> set[tuple[str, str, int]]:
    return {
        (_module_name(path), module, line)
        for app, path in _modules()
        for module, line in upward_imports(app, path.read_text(encoding="utf-8"))
    }


def test_no_import_runs_up_a_floor():
    new = sorted(
        f"{where}:{line} imports {what}"
        for where, what, line in _violations()
        if (where, what) not in NOT_YET_LAYERED
    )
    assert not new, "Imports that run up the layers:\n" + "\n".join(new)


def test_apps_kept_apart_import_neither_the_other():
    found = sorted(
        f"{_module_name(path)}:{line} imports {module}"
        for app, path in _modules()
        for module, line in sideways_imports(app, path.read_text(encoding="utf-8"))
    )
    assert not found, "Imports between apps kept apart:\n" + "\n".join(found)


def test_not_yet_layered_only_shrinks():
    still = {(where, what) for where, what, _ in _violations()}
    gone = sorted(NOT_YET_LAYERED - still)
    assert not gone, f"Untangled, so take them out of NOT_YET_LAYERED: {gone}"
    assert not [pair for pair in NOT_YET_LAYERED if pair[0].split(".")[0] == "accounts"]


def test_accounts_imports_no_other_app_of_the_portal():
    others = set(LAYERS) - {"accounts"}
    found = [
        f"{_module_name(path)}:{line} imports {module}"
        for app, path in _modules()
        if app == "accounts"
        for module, line in _imports(path.read_text(encoding="utf-8"))
        if module.split(".")[0] in others
    ]
    assert not found, found


def test_nothing_of_the_project_imports_the_simulators():
    """The simulators are installed only when SLS_SIMULATORS is on, so an import of them
    from devices or any other package of the project would fail in production. devices
    reaches them only through its signals and the secrets' registry, which the simulators
    app joins in its ready()."""
    packages = (set(LAYERS) | NOT_LAYERED) - {"simulators"}
    found = [
        f"{_module_name(path)}:{line} imports {module}"
        for package in sorted(packages)
        for path in sorted((ROOT / package).rglob("*.py"))
        for module, line in _imports(path.read_text(encoding="utf-8"))
        if module.split(".")[0] == "simulators"
    ]
    assert not found, found


def test_every_app_of_the_project_is_on_a_floor():
    """A new app of the project (its code under the repository) is placed in LAYERS, or
    named as not layered yet: the check cannot miss it by not knowing it."""
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(ROOT)
        and "site-packages" not in Path(config.path).parts  # a virtualenv inside the tree
    }
    assert ours - NOT_LAYERED <= set(LAYERS), sorted(ours - NOT_LAYERED - set(LAYERS))
    expected = {"accounts", "devices", "orders", "withdrawals", "trading", "portal", "simulators"}
    assert expected <= ours


def test_the_check_sees_an_upward_import_wherever_it_is():
    """The check is not blind: it finds imports at the top, inside a function and under
    TYPE_CHECKING, and lets same-floor, downward, relative and unlayered ones pass."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "import devices.models\n"
        "from portal.views import login_view\n"
        "from .models import User\n"
        "from sls_portal import settings\n"
        "from django.db import models\n"
        "if TYPE_CHECKING:\n"
        "    from withdrawals.models import Withdrawal\n"
        "def later():\n"
        "    from trading import api\n"
    )
    assert upward_imports("accounts", source) == [
        ("devices.models", 2),
        ("portal.views", 3),
        ("withdrawals.models", 8),
        ("trading", 10),
    ]
    assert upward_imports("devices", source) == [
        ("portal.views", 3),
        ("withdrawals.models", 8),
        ("trading", 10),
    ]
    assert upward_imports("trading", source) == []
    assert upward_imports("portal", "from simulators.cards import card_press\n") == [
        ("simulators.cards", 1)
    ]
    assert upward_imports("withdrawals", "import orders.models\nfrom devices import kinds\n") == []
    assert sideways_imports("withdrawals", "import orders.models\nfrom devices import kinds\n") == [
        ("orders.models", 1)
    ]
    assert sideways_imports("orders", "from withdrawals.selectors import limits\n") == [
        ("withdrawals.selectors", 1)
    ]
    assert sideways_imports("portal", "import orders.views\nimport withdrawals.views\n") == []
