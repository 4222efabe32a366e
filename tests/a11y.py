"""Accessibility check for browser tests: axe-core (vendored from npm in tests/vendor/).

Usage in a Playwright test::

    from tests.a11y import assert_no_serious_a11y_violations
    page.goto(url)
    assert_no_serious_a11y_violations(page)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(
    page: Any, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS
) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return violations with the given impacts."""
    if not AXE_PATH.exists():
        raise AssertionError(f"{AXE_PATH} is missing: run `make vendor` (axe-core from npm).")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not as a <script> tag: the pages' CSP
        # (ADR 0101) refuses inline scripts, and would report the test's own tag as a violation.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html.slice(0, 200),
                                          summary: n.failureSummary}))
            }));
        }"""
    )
    return [v for v in result if v.get("impact") in impacts]


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node.get("summary"):
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


def assert_no_serious_a11y_violations(page: Any) -> None:
    """Fail the test if axe-core finds any serious or critical violation on the page."""
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe-core found {len(violations)} serious/critical accessibility violation(s) "
            f"on {page.url}:\n{format_violations(violations)}"
        )
