"""axe-core run inside the page under the site's own Content-Security-Policy.

Injection: `page.add_script_tag` adds an inline `<script>` (with `path=` it inlines the file),
which `script-src 'self'` rightly blocks; a context with `bypass_csp=True` would work but would
audit a page the users never get (and hide a policy violation). `page.evaluate` of the file's
text runs through the DevTools protocol, which the page's policy does not govern, and axe-core
itself needs no `eval`: the page is audited exactly as served.
"""

from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def serious_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on the current page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE + "\n;undefined")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [
        {"rule": violation["id"], "impact": violation["impact"], "help": violation["help"],
         "targets": [" ".join(map(str, node["target"])) for node in violation["nodes"]][:5]}
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['rule']} ({violation['impact']}) "
                         f"{violation['help']} — {', '.join(violation['targets'])}")
    return "\n".join(lines)
