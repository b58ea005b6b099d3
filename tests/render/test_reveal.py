"""The reveal.js deck in headless Chromium through Playwright: the lecture's ten builds as fragments,
each showing exactly the lecture's lines for that build, typeset by KaTeX, with nothing fetched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import normalise_latex
from tools import browser_page

from derive.cli import main

EXPECTED = json.loads((Path(__file__).parents[1] / "data" / "lecture_expected.json").read_text())

VISIBLE = """() => [...Reveal.getCurrentSlide().querySelectorAll(".column")].map(column =>
  [...column.querySelectorAll("tr")]
    .filter(row => !row.classList.contains("fragment") || row.classList.contains("visible"))
    .map(row => [...row.querySelectorAll("td.math")].map(cell => cell.dataset.tex).join(" ")))"""


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    out = tmp_path_factory.mktemp("reveal") / "lecture.html"
    r = CliRunner().invoke(main, ["slides", "sigmoid", "tanh", "-o", str(out)])
    assert r.exit_code == 0, r.output
    return out


def test_each_build_shows_exactly_the_lecture_lines_of_that_build(deck):
    with browser_page(deck.resolve().as_uri()) as page:
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        assert page.evaluate("() => Reveal.getTotalSlides()") == 1
        assert page.evaluate("() => document.querySelectorAll('.katex-error').length") == 0
        typeset = page.evaluate("() => [...document.querySelectorAll('td.math')].every(c => c.querySelector('.katex'))")
        assert typeset
        for number, overlay in enumerate(EXPECTED["overlays"], start=1):
            columns = page.evaluate(VISIBLE)
            for name, shown in zip(("sigmoid", "tanh"), columns, strict=True):
                want = EXPECTED["steps"][name][: overlay[name]]
                assert [normalise_latex(s) for s in shown] == [normalise_latex(s) for s in want], (number, name)
            last = number == len(EXPECTED["overlays"])
            assert page.evaluate("() => Reveal.availableFragments().next") == (not last)
            page.evaluate("() => Reveal.next()")
        assert all(url.startswith(("file:", "data:")) for url in page.requests), "nothing from the network"


def test_every_column_of_a_slide_is_set_at_one_size(deck):
    with browser_page(deck.resolve().as_uri()) as page:
        page.wait_for_function("() => document.body.dataset.fitted === 'true'")  # after the fonts, the fit
        # measured once the layout has settled (the fonts in, a frame after the fit): CI once measured before
        page.evaluate("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => r(true))))")
        sizes = page.evaluate("() => [...document.querySelectorAll('table.steps')].map(t => t.style.fontSize)")
        widths = page.evaluate(
            "() => [...document.querySelectorAll('table.steps')].map(t => [t.scrollWidth, t.parentElement.clientWidth])"
        )
    assert len(set(sizes)) == 1 and sizes[0], sizes
    assert all(table <= room + 1 for table, room in widths), (sizes, widths)


def test_the_reasons_are_speaker_notes(deck):
    text = deck.read_text()
    assert '<aside class="notes">' in text and "quotient:" in text


def test_a_deck_format_that_does_not_fit_the_extension_is_refused(tmp_path):
    r = CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(tmp_path / "d.html"), "--format", "beamer"])
    assert r.exit_code == 2 and "a beamer deck is not a .html file" in r.output
    assert list(tmp_path.iterdir()) == []
