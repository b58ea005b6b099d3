"""The web tests' browser helpers (imported by name, `from browsing import ...`, as webserver is): the system
Chromium through Playwright, a page of the test server opened at a desktop's or a phone's size, axe-core's
violations, and a wait for the page's spoken mathematics."""

from __future__ import annotations

import json

from click.testing import CliRunner
from tools import KATEX_DIR

from derive.cli import main
from derive.serve.screenshots import until

AXE = KATEX_DIR / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def opened(browser, server, path="/", **options):  # noqa: ANN001, ANN201 - Playwright's objects
    """A page of ``server`` at ``path`` in a new context; ``page.requests`` and ``page.errors`` record its
    requests and its script errors."""
    context = browser.new_context(accept_downloads=True, **options)
    page = context.new_page()
    page.requests = []
    page.errors = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(server.base + path)
    return page


def violations(page) -> list[tuple]:  # noqa: ANN001
    """axe-core's violations on the page as it is now: (rule, impact, nodes, the first few nodes)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))  # the page's context must bypass its CSP (bypass_csp=True)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => [v.id, v.impact, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))]))"
    )
    return [tuple(v) for v in found]


def spoken(page, selector: str = "#steps") -> None:  # noqa: ANN001
    """Wait until every formula under ``selector`` has its spoken text (the Speech Rule Engine's)."""
    until(
        page,
        f"""() => {{ const all = document.querySelectorAll('{selector} .katex-mathml math');
        return all.length > 0 && [...all].every(m => m.hasAttribute('aria-label')) }}""",
    )


def steps_shown(page, count: int | None = None) -> None:  # noqa: ANN001
    """Wait until the steps are on the page (``count`` of them, if given) and no derivation is pending."""
    rows = "document.querySelectorAll('#steps tbody tr').length"
    wanted = f"{rows} === {count}" if count is not None else f"{rows} > 0"
    until(page, f"() => {wanted} && !document.getElementById('result').hidden")


def typed_rows(page) -> list[str]:  # noqa: ANN001
    """The steps as the page typeset them: each row's left and right cells' LaTeX, joined as the CLI writes it."""
    rows = page.eval_on_selector_all(
        "#steps tbody tr", "rows => rows.map(r => [r.cells[0].dataset.tex, r.cells[1].dataset.tex])"
    )
    return [f"{left} {right}" if left else right for left, right in rows]


def cli_json(*args: str) -> dict:
    return json.loads(CliRunner().invoke(main, ["steps", *args, "--format", "json"]).output)


def cli_latex(*args: str) -> list[str]:
    return [s["latex"] for s in cli_json(*args)["steps"]]
