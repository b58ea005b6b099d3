"""Markdown, LaTeX and HTML, checked by the real renderers: KaTeX in strict mode and headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import LIBRARY_NAMES
from tools import KATEX_DIR, browser_page, katex_failures, need

from derive import derive
from derive.cli import main
from derive.render import walk
from derive.render.latex import line_latex
from derive.render.pictures import chromium
from derive.render.printing.latex import board_latex

ASSETS = Path(__file__).resolve().parents[2] / "derive" / "assets" / "katex"


def emitted_latex(name: str, order: int) -> list[str]:
    """Every LaTeX string the tool emits for a derivation: each line, the mathematics in its reason and in
    the notes, the align* fragment, the notebook form."""
    d = derive(name, order=order)
    reasons = [e for line in walk(d) for e in line.why.expressions()]
    reasons += [e for note in d.notes() for e in note.reason.expressions()]
    lines = [line_latex(line) for line in walk(d)]
    return lines + [board_latex(e) for e in reasons] + [d.render("latex"), d._repr_latex_().strip("$")]


def test_katex_strict_renders_everything_the_library_emits():
    strings = [s for name in LIBRARY_NAMES for order in (1, 2) for s in emitted_latex(name, order)]
    report = katex_failures(strings)
    assert report["rendered"] == len(strings) > 900
    assert report["failures"] == [], report["failures"][:3]


def test_katex_check_can_fail():
    report = katex_failures([r"\frac{1}{", r"g(z) = \pause z", "é"])
    assert len(report["failures"]) == 3


def test_vendored_katex_is_the_pinned_one():
    dist = KATEX_DIR / "node_modules" / "katex" / "dist"
    if not dist.is_dir():
        pytest.fail("KaTeX not installed: run bash tests/setup-tools.sh")
    for name in ("katex.min.js", "katex.min.css"):
        assert (ASSETS / name).read_bytes() == (dist / name).read_bytes(), f"derive/assets/katex/{name} differs"
    for font in (dist / "fonts").glob("*.woff2"):
        assert (ASSETS / "fonts" / font.name).read_bytes() == font.read_bytes()


def test_markdown_blocks_and_reasons():
    out = CliRunner().invoke(main, ["steps", "sigmoid", "--format", "markdown"]).output
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", out, flags=re.M | re.S)
    d = derive("sigmoid")
    assert blocks == [line_latex(line) for line in walk(d)]
    assert "*chain, power*: $" in out and out.startswith("## Logistic function\n")
    # the reasons' mathematics typeset in line: the power rule's formula, as LaTeX
    assert r"*chain, power*: $\frac{d}{d z} \left(\frac{1}{u}\right) = -\frac{1}{u^{2}} \frac{d u}{d z}$" in out
    assert derive("swish")._repr_markdown_().count("$$") == 2 * len(derive("swish").steps)
    assert "no output form exists" in derive("swish").render("markdown")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("page") / "page.html"
    result = CliRunner().invoke(main, ["page", "sigmoid", "tanh", "relu", "swish", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_page_is_self_contained(page):
    text = page.read_text()
    assert "katex.render" in text and "@font-face" in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text), "no CDN: nothing loaded from the network"
    assert "url(fonts/" not in text, "fonts are inlined"


def test_chromium_typesets_one_block_per_step(page):
    need("chromium")
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", page.resolve().as_uri()).stdout
    steps = sum(len(derive(t).steps) for t in ("sigmoid", "tanh", "relu", "swish"))
    assert dom.count('<td class="rhs math"') == steps
    named = dom.count('<td class="lhs math"')  # g(z), g'(z): the first line of each quantity
    assert len(re.findall(r'<span class="katex-display">', dom)) == steps + named
    assert '<span class="katex-error"' not in dom
    assert dom.count('<td class="why">') == steps and '<span class="rule">quotient</span>' in dom
    # the reasons' mathematics typeset in line by KaTeX, not left as text
    why_cells = re.findall(r'<td class="why">(.*?)</td>', dom, flags=re.S)
    assert sum('class="katex"' in cell for cell in why_cells) >= steps // 2


def test_chromium_check_can_fail(tmp_path):
    need("chromium")
    broken = tmp_path / "broken.html"
    broken.write_text(
        (Path(__file__).parents[2] / "outputs" / "lecture.html")
        .read_text()
        .replace('data-tex="= \\frac', 'data-tex="= \\fracc', 1)
    )
    dom = chromium("--virtual-time-budget=5000", "--dump-dom", broken.resolve().as_uri()).stdout
    assert '<span class="katex-error"' in dom


def test_the_page_aligns_each_derivation_on_its_equals_signs(page):
    # measured in Chromium: the left edge of the first '=' of every line of a section lies on one x
    with browser_page(page.resolve().as_uri()) as view:
        lefts = view.evaluate(
            """() => [...document.querySelectorAll("section")].map(section =>
                 [...section.querySelectorAll("td.rhs")].map(cell => {
                   const rel = [...cell.querySelectorAll(".mrel")].find(e => e.textContent === "=");
                   return rel ? rel.getBoundingClientRect().left : null;
                 }))"""
        )
        assert all(u.startswith(("file:", "data:")) for u in view.requests), "nothing from the network"
    assert len(lefts) == 4
    for section in lefts:
        assert None not in section and len(section) > 2
        assert max(section) - min(section) < 0.5, section
