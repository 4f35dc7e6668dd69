"""axe-core (pinned in package.json, installed by `make test`) run on the page open in the
browser: the violations of impact "serious" or "critical", which no page may have."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations_of(page: Page) -> list[dict]:
    """The blocking violations on `page`. axe lists in full only the violations' elements:
    the elements that passed are work no check reads."""
    assert AXE.exists(), "axe-core is missing: run `npm ci` (make test does)"
    # Evaluated, not added as a <script>: the Content-Security-Policy blocks inline scripts.
    # A context given it by `context.add_init_script` has it on every page already.
    if page.evaluate("() => typeof axe === 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [item for item in result["violations"] if item["impact"] in BLOCKING]


def described(violations: list[dict]) -> str:
    lines = []
    for item in violations:
        lines.append(f"{item['id']} ({item['impact']}): {item['help']}")
        lines.extend(f"    {node['target']}: {node['failureSummary']}" for node in item["nodes"])
    return "\n".join(lines)
