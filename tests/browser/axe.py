"""axe-core, the npm package, run inside the page a browser test has open.

The package is fetched once with ``npm`` into ``.cache/axe-core/<version>`` in the
repository (gitignored) and read from there afterwards. It is injected with
``page.evaluate``: Playwright evaluates over the DevTools protocol, which the page's
Content-Security-Policy does not govern, so the pages keep their real CSP while axe
runs (``page.add_script_tag`` would add an inline ``<script>`` and be refused).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import config

AXE_VERSION = "4.10.3"
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "axe-core" / AXE_VERSION
SOURCE = CACHE / "node_modules" / "axe-core" / "axe.min.js"

# The rule sets the issue asks for, and the impacts that fail a page.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"moderate", "serious", "critical"}


class AxeUnavailable(RuntimeError):
    """axe-core could not be obtained (no npm, or the registry refused)."""


def axe_source() -> str:
    """The text of ``axe.min.js``, installed with npm into the cache when missing."""
    if not SOURCE.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise AxeUnavailable("npm is not installed (apt-get install npm)")
        CACHE.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-save", "--no-audit", "--no-fund",
             "--no-package-lock", "--loglevel=error", f"axe-core@{AXE_VERSION}"],
            capture_output=True, text=True, timeout=300,
        )
        if done.returncode != 0 or not SOURCE.exists():
            raise AxeUnavailable(f"npm install axe-core@{AXE_VERSION} failed:\n{done.stderr}")
    return SOURCE.read_text(encoding="utf-8")


def obtain_axe(pytest) -> str:
    """axe's source for a fixture: skipped where it cannot be had, failed under CI."""
    try:
        return axe_source()
    except AxeUnavailable as missing:
        if config.running_in_ci():
            pytest.fail(f"CI=true but axe-core is unavailable: {missing}")
        pytest.skip(f"axe-core is unavailable: {missing}")


def run_axe(page, source: str) -> list[dict]:
    """The violations axe finds on the page as it is now, of every impact."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          summary: n.failureSummary || ''})),
            }));
        }""",
        TAGS,
    )


def failing(violations: list[dict]) -> list[dict]:
    """The violations that fail a page: moderate, serious or critical."""
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(where: str, violations: list[dict]) -> str:
    """The violations on one page as lines a person reads: page, rule, nodes."""
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            summary = " ".join(node["summary"].split())
            lines.append(f"    {node['target']}  -- {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more nodes")
    return "\n".join(lines)
