"""The lecture's slide, compiled by real TeX: 10 builds, each showing exactly the lines of the lecture's build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import need, pdf_page_text, pdf_words

from derive import derive
from derive.cli import main
from derive.knowledge.activations import LIBRARY
from derive.render import beamer, render, walk
from derive.render.latex import line_latex
from derive.render.pictures import pdf_pages
from derive.render.tex import compile_pdf

EXPECTED = json.loads((Path(__file__).parents[1] / "data" / "lecture_expected.json").read_text())


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    need("pdflatex", "pdfinfo", "pdftotext")
    out = tmp_path_factory.mktemp("deck") / "lecture.tex"
    result = CliRunner().invoke(main, ["slides", "sigmoid", "tanh", "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert f"wrote {out.with_suffix('.pdf')}" in result.output
    return out


def test_the_frame_is_the_lecture_frame(deck):
    tex = deck.read_text()
    assert "\\documentclass{beamer}" in tex and tex.rstrip().endswith("\\end{document}")
    assert f"\\begin{{frame}}{{{EXPECTED['frame_title']}}}" in tex
    for heading in EXPECTED["columns"].values():
        assert f"\\textbf{{{heading}}}" in tex
    assert "\\pause" not in tex


def test_ten_builds_each_with_exactly_its_lines(deck):
    pdf = deck.with_suffix(".pdf")
    overlays = EXPECTED["overlays"]
    assert pdf_pages(pdf) == len(overlays) == 10
    lines = {name: [line_latex(x) for x in walk(derive(name))] for name in ("sigmoid", "tanh")}
    previous = ""
    for page, shown in enumerate(overlays, start=1):
        text = pdf_page_text(pdf, page)
        # every line has one '=' (g(z) = ... or = ...): the page's count is the number of visible lines
        want = sum(line.count("=") for name, k in shown.items() for line in lines[name][:k])
        assert text.count("=") == want, f"build {page}: {text.count('=')} '=' signs, want {want}"
        assert ("tanh\n" in text) == (shown["tanh"] > 0), f"build {page}: tanh column heading"
        assert ("σ" in text) == (shown["sigmoid"] > 0)
        # a build adds to the one before, never removes
        assert all(text.count(ch) >= previous.count(ch) for ch in set(previous) if not ch.isspace())
        previous = text
    assert "1 − g (z)" in pdf_page_text(pdf, 5) and "1 − g (z)" not in pdf_page_text(pdf, 4)
    assert "1 − (g (z))2" in pdf_page_text(pdf, 10) and "1 − (g (z))2" not in pdf_page_text(pdf, 9)


def test_lecture_log_has_no_overfull_box(deck, tmp_path):
    built = compile_pdf(deck)
    assert built.overfull == []


def frame_scales(log: str) -> list[tuple[float, str]]:
    """Each frame's scale and targets, as the deck's TeX reports them in its log."""
    found = re.findall(r"^derive: frame scale ([0-9.]+) for (.+)$", log, flags=re.MULTILINE)
    return [(float(scale), names) for scale, names in found]


def equals_signs(pdf: Path, page: int) -> list[tuple[float, float]]:
    """Each '=' on the page as (x, width): its width is the size it is set at."""
    return [(x, width) for x, _, width, text in pdf_words(pdf, page) if text == "="]


def test_both_lecture_columns_are_set_at_one_readable_scale(deck):
    built = compile_pdf(deck)
    ((scale, names),) = frame_scales(built.log)
    assert names == "sigmoid, tanh" and beamer.MINIMUM <= scale < 1
    # the PDF itself: every '=' of the last build, in either column, the same width, and that width
    # the scale times the width of an '=' on a frame set at full size (softplus's)
    signs = equals_signs(built.pdf, 10)
    middle = 160  # a 4:3 Beamer page is 364 pt wide; the columns split at its middle
    # six lines a column (pdftotext can join one '=' to its neighbour: at least five found in each)
    assert len([x for x, _ in signs if x < middle]) >= 5 and len([x for x, _ in signs if x > middle]) >= 5
    widths = [w for _, w in signs]
    assert max(widths) / min(widths) < 1.005
    full = compile_pdf(write_deck(deck.parent / "full.tex", ["softplus"]))
    assert frame_scales(full.log)[0][0] == 1
    assert widths[0] / equals_signs(full.pdf, 1)[0][1] == pytest.approx(scale, rel=0.01)


def test_each_line_is_written_once_whatever_the_layout(deck):
    # the frames TeX may choose between (side by side, alone, continued) share each line's right side,
    # so an instructor who edits a line edits it once
    tex = deck.read_text()
    defined = re.findall(r"^\\def\\(deriveline[a-z]+)\{(.*)\}$", tex, flags=re.MULTILINE)
    lines = [line_latex(line).split("= ", 1)[-1] for name in ("sigmoid", "tanh") for line in walk(derive(name))]
    assert len(defined) == len({name for name, _ in defined}) == len(lines) == 12
    for (_, body), one_row in zip(defined, lines, strict=True):
        assert body == one_row or body.startswith(f"\\derivechoice{{{one_row}}}")
    assert not any(one_row in tex.split("\\def\\derivecolumn", 1)[1] for one_row in lines if len(one_row) > 12)


def test_the_quotient_rules_numerator_is_broken_at_its_minus(deck):
    # build 7 shows tanh's quotient-rule line: its two d/dz are on two rows of the numerator
    words = pdf_words(deck.with_suffix(".pdf"), 7)
    assert len({round(y) for x, y, _, text in words if text == "dz" and x > 160}) == 2


def write_deck(tex: Path, targets: list[str], **options) -> Path:
    tex.write_text(render([derive(t) for t in targets], "beamer", **options))
    return tex


@pytest.mark.parametrize("aspect, reasons", [("4:3", False), ("16:9", False), ("4:3", True)])
def test_every_library_frame_is_readable_and_fits(tmp_path, aspect, reasons):
    """Every function of the library on slides: no frame below the readable minimum, nothing off the
    slide, and each line still one build (a column continued on another frame keeps its builds);
    with the reasons under the lines too (a long reason wraps)."""
    need("pdflatex", "pdfinfo")
    targets = [entry.name for entry in LIBRARY]
    built = compile_pdf(write_deck(tmp_path / "deck.tex", targets, aspect=aspect, reasons=reasons))
    assert built.overfull == []
    scales = frame_scales(built.log)
    assert {n.removesuffix(" (continued)") for _, names in scales for n in names.split(", ")} == set(targets)
    assert min(s for s, _ in scales) >= beamer.MINIMUM, [x for x in scales if x[0] < beamer.MINIMUM]
    assert pdf_pages(built.pdf) == sum(beamer.builds(derive(t))[-1] for t in targets)


def test_a_column_too_tall_continues_on_the_next_frame():
    d = derive("gelu_tanh")
    pieces = beamer.parts(beamer.whole(d, "i"), 3)
    assert [line for p in pieces for line, _ in p.lines] == list(walk(d))  # every line once, in order
    assert all(p.lines[0][1] == 1 for p in pieces)  # each part builds from its own first build
    assert [p.continued for p in pieces] == [False, True, True] and [p.last for p in pieces] == [False, False, True]
    # the definition's lines (g) appear together, at the first build of the first part
    assert [b for line, b in pieces[0].lines if line.step.quantity == "g"] == [1, 1]
    assert beamer.parts(beamer.whole(derive("2*z"), "i"), 3) is None  # fewer builds (2) than parts


def test_second_order_title():
    assert "compute $g''$" in derive("sigmoid", order=2).render("beamer")


def test_no_tex_is_one_line_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdflatex, no latexmk
    out = tmp_path / "deck.tex"
    result = CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no TeX installation" in result.stderr
    assert not out.with_suffix(".pdf").exists()
