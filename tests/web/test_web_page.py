"""Issue 23, points 2 and 6: the page in a real browser (Playwright on the system Chromium), served by a
real derive serve on a free loopback port: the preview, the steps (the CLI's LaTeX, typeset by KaTeX),
the reasons, a bad input's column, checking one's work, an export, and nothing off this machine."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from browsing import AXE, cli_latex, opened, typed_rows
from click.testing import CliRunner

from derive.cli import main
from derive.serve.screenshots import until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def browser(chromium):
    return chromium  # the session's Chromium (tests/web/conftest.py)


def test_the_steps_are_the_clis_typeset_by_katex(browser, server):
    page = opened(browser, server)
    page.fill("#f", "sigmoid")
    page.wait_for_selector("#reading .katex")
    assert page.locator("#reading").get_attribute("data-tex").startswith(r"g(z) = \sigma(z)")
    page.press("#f", "Enter")
    page.wait_for_selector("#steps tbody tr")
    assert typed_rows(page) == cli_latex("sigmoid")
    assert page.locator("#steps .katex").count() >= 6 and page.locator(".katex-error").count() == 0
    assert "f=sigmoid" in page.url  # the URL reproduces the page
    # LaTeX typed as a student copies it from a slide
    page.fill("#f", r"\frac{d}{dz}\tanh(z)")
    page.click("#go")
    expected = cli_latex(r"\frac{d}{dz}\tanh(z)")
    until(page, f"() => document.querySelectorAll('#steps tbody tr').length === {len(expected)}")
    assert typed_rows(page) == expected
    assert page.locator(".katex-error").count() == 0 and not page.errors


def test_the_reasons_toggle_and_a_bad_input_marks_its_column(browser, server):
    page = opened(browser, server, "/?f=tanh")
    page.wait_for_selector("#steps tbody tr")
    why = page.locator("#steps td.why").first
    assert why.is_visible()
    page.click("#reasons")
    assert not why.is_visible() and page.locator("#reasons").get_attribute("aria-pressed") == "false"
    page.click("#reasons")
    assert why.is_visible()
    page.fill("#f", "1/(1+e^-")
    page.wait_for_selector("#problem mark")
    assert page.locator("#problem mark").get_attribute("title") == "column 9"
    assert "expected" in page.locator("#problem").inner_text()


def test_checking_ones_work_names_the_planted_mistake(browser, server):
    page = opened(browser, server, "/?f=sigmoid")
    page.wait_for_selector("#steps tbody tr")
    page.fill("#submission", "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}")
    page.click("#check")
    page.wait_for_selector("ol.marks li")
    marks = page.locator("ol.marks li")
    assert marks.count() == 2
    assert "✓" in marks.nth(0).inner_text() and "✗" in marks.nth(1).inner_text()
    # the mistake's sentence, not its identifier (kept for scripts as the item's data-mistake)
    assert "the chain rule multiplies by the inner derivative" in marks.nth(1).inner_text()
    assert "chain-rule-without-inner" not in marks.nth(1).inner_text()
    assert marks.nth(1).get_attribute("data-mistake") == "chain-rule-without-inner"
    assert "line 2" in page.locator("#marks p.summary").inner_text()


def test_an_export_downloads_the_clis_bytes(browser, server, tmp_path):
    page = opened(browser, server, "/?f=tanh")
    page.wait_for_selector("#downloads a")
    with page.expect_download() as latex:
        page.click("#downloads a:text('LaTeX')")
    path = tmp_path / "tanh.tex"
    latex.value.save_as(path)
    assert path.read_text() == CliRunner().invoke(main, ["steps", "tanh", "--format", "latex"]).output
    with page.expect_download() as module:
        page.click("#downloads a:text('PyTorch backward')")
    module.value.save_as(tmp_path / "backward.py")
    assert (tmp_path / "backward.py").read_text() == CliRunner().invoke(
        main, ["backward", "tanh", "--framework", "torch"]
    ).output
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, hosts  # no request leaves this machine


def test_the_page_is_accessible_and_fits_a_phone(browser, server):
    page = opened(browser, server, "/?f=gelu", bypass_csp=True)  # the CSP admits no script of the test's own
    page.wait_for_selector("#steps tbody tr")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in found if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    phone = opened(browser, server, "/?f=sigmoid", viewport={"width": 360, "height": 740}, is_mobile=True)
    phone.wait_for_selector("#steps tbody tr")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    for control in ("#f", "#go", "#reasons", "#submission", "#check"):  # usable by keyboard: each takes the focus
        phone.focus(control)
        assert phone.evaluate("document.activeElement.id") == control[1:]


def test_the_committed_screenshots_are_of_this_page(browser, server, tmp_path):
    from derive.serve.screenshots import take

    for name in take(server.base, tmp_path, browser):
        committed = ROOT / "outputs" / name.name
        assert committed.exists(), f"outputs/{name.name}: run python -m derive.serve.screenshots"
        assert committed.read_bytes()[16:24] == name.read_bytes()[16:24], f"outputs/{name.name} is stale (its size)"
