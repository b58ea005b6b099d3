"""The lecture's slide, compiled by real TeX: 10 builds, each showing exactly the lines of the lecture's build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import need, pdf_page_text

from derive import derive
from derive.cli import main
from derive.pictures import pdf_pages
from derive.render import beamer, render, walk
from derive.render.latex import line_latex
from derive.tex import compile_pdf

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


@pytest.mark.parametrize("targets", [["gelu_tanh", "bent_identity", "selu"], ["mish"]])
def test_any_targets_fit_the_slide(tmp_path, targets):
    need("pdflatex")
    tex = tmp_path / "deck.tex"
    derivations = [derive(t) for t in targets]
    tex.write_text(render(derivations, "beamer"))
    built = compile_pdf(tex)
    assert built.overfull == []
    frames = -(-len(targets) // 2)
    columns = [beamer.builds(d)[-1] for d in derivations]
    want = sum(sum(columns[i : i + 2]) for i in range(0, len(columns), 2))
    assert pdf_pages(built.pdf) == want and tex.read_text().count("\\begin{frame}") == frames


def test_second_order_title():
    assert "compute $g''$" in derive("sigmoid", order=2).render("beamer")


def test_no_tex_is_one_line_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pdflatex, no latexmk
    out = tmp_path / "deck.tex"
    result = CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "no TeX installation" in result.stderr
    assert not out.with_suffix(".pdf").exists()
