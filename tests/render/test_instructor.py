"""What an instructor projects (issue 15, in part): no gap after a function's name, the notes and
reasons on slides and in LaTeX, output files named by their extension, plots of g and g'."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from tools import need

from derive import derive
from derive.cli import main
from derive.knowledge.activations import LIBRARY
from derive.knowledge.functions import sigmoid
from derive.knowledge.symbols import g_function, variable
from derive.render.printing.latex import board_latex

z = variable("z")

# a name followed at once by \left( : TeX sets the bracket apart as an inner atom, the gap of g (z)
GAP = re.compile(r"(?<![\\A-Za-z])([A-Za-z]|\\(?!left|right|cdot|quad|frac)[A-Za-z]+)\\left\(")


@pytest.mark.parametrize(
    "expr, tex",
    [
        (g_function(z), "g(z)"),
        (sigmoid(z), r"\sigma(z)"),
        (sigmoid(z / 2), r"\sigma{\left(\frac{1}{2} z\right)}"),  # a tall argument: \left( \right) in a group
    ],
)
def test_a_function_application_has_no_gap(expr, tex):
    assert board_latex(expr) == tex


@pytest.mark.parametrize("name", [a.name for a in LIBRARY])
def test_no_output_of_the_library_opens_a_bracket_after_a_name(name):
    d = derive(name)
    for fmt in ("latex", "markdown", "html"):
        text = d.render(fmt)
        assert not GAP.search(text), (fmt, GAP.search(text).group(0))


def test_standalone_latex_and_slides_carry_the_notes(tmp_path):
    need("pdflatex")
    relu = derive("relu")
    document = relu.render("latex", standalone=True)
    assert "Note: $g$ is not differentiable at $z = 0$" in document
    assert "\\textbf{no output form exists" in derive("swish").render("latex", standalone=True)
    out = tmp_path / "deck.tex"
    r = CliRunner().invoke(main, ["slides", "relu", "swish", "-o", str(out), "--reasons", "--pdf"])
    assert r.exit_code == 0, r.output
    deck = out.read_text()
    assert "not differentiable at $z = 0$" in deck and "no output form exists" in deck
    assert "[piecewise] differentiate each piece" in deck
    text = subprocess.run(["pdftotext", str(out.with_suffix(".pdf")), "-"], capture_output=True, text=True).stdout
    assert "not differentiable" in text and "[piecewise]" in text


def test_latex_reasons_are_a_column_of_their_own():
    tex = derive("tanh").render("latex", reasons=True)
    assert tex.count("&&") == len(derive("tanh").steps)
    assert r"\text{\footnotesize [quotient] $\frac{d}{d z}" in tex


def test_the_reasons_flag_is_for_latex(tmp_path):
    r = CliRunner().invoke(main, ["steps", "tanh", "--reasons"])
    assert r.exit_code == 2 and "--reasons is for --format latex" in r.output


def test_slides_named_pdf_keep_the_tex_beside_it(tmp_path):
    need("pdflatex")
    out = tmp_path / "deck.pdf"
    r = CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == [f"wrote {tmp_path / 'deck.tex'}", f"wrote {out}"]
    assert (tmp_path / "deck.tex").read_text().startswith("\\documentclass{beamer}")
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args, says",
    [
        (["slides", "sigmoid", "-o", "{tmp}/deck.md"], "slides are .tex or .pdf (Beamer) or .html (reveal.js)"),
        (["page", "sigmoid", "-o", "{tmp}/page.md"], "the page is an .html file"),
        (["plot", "sigmoid", "-o", "{tmp}/plot.txt"], "a plot is a .pdf, .svg or .png file"),
    ],
)
def test_an_extension_that_does_not_fit_is_refused(tmp_path, args, says):
    r = CliRunner().invoke(main, [a.replace("{tmp}", str(tmp_path)) for a in args])
    assert r.exit_code == 2 and says in r.output and r.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def plots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plots")
    for ext in ("pdf", "svg", "png"):
        r = CliRunner().invoke(main, ["plot", "sigmoid", "relu", "-o", str(folder / f"plot.{ext}")])
        assert r.exit_code == 0, r.output
    return folder


def test_the_pdf_plot_is_one_page(plots):
    need("pdfinfo")
    info = subprocess.run(["pdfinfo", str(plots / "plot.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, flags=re.M)


def test_the_svg_plot_parses_and_holds_the_curves(plots):
    svg = "{http://www.w3.org/2000/svg}"
    root = ET.parse(plots / "plot.svg").getroot()
    lines = [g for g in root.iter(f"{svg}g") if g.get("id", "").startswith("line2d")]
    vertices = [sum(p.get("d", "").count(" L ") for p in g.iter(f"{svg}path")) for g in lines]
    # σ's g, g' and output-form curve are smooth: drawn through many vertices (ReLU's are a few segments)
    assert sum(v >= 20 for v in vertices) >= 3, vertices


def test_the_png_plot_is_not_blank(plots):
    from matplotlib.image import imread

    pixels = imread(plots / "plot.png")
    assert pixels.shape[0] > 300 and pixels.shape[1] > 600
    assert pixels[..., :3].std() > 0.05  # curves, axes and labels, not one colour


def test_the_range_of_z_is_where_the_function_changes():
    from derive.render.plot import z_range

    assert z_range(derive("relu")) == (-3.0, 3.0)  # around its kink, never narrower than [-3, 3]
    lo, hi = z_range(derive("sigmoid"))
    assert abs(lo + hi) < 1e-9 and 6 < hi <= 12  # σ bends over about [-8, 8]
    lo, hi = z_range(derive("hard_sigmoid"))
    assert lo < -3 and hi > 3  # both kinks inside


def test_kinks_are_marked(tmp_path):
    from derive.render.plot import figure

    fig = figure([derive("relu6")])
    left = fig.axes[0]
    marked = sorted(line.get_xdata()[0] for line in left.get_lines() if line.get_linestyle() == ":")
    assert marked == [0.0, 6.0]


def test_slides_with_plots_add_a_frame_of_plots_after_each_frame(tmp_path):
    need("pdflatex", "pdfinfo")
    out = tmp_path / "deck.pdf"
    r = CliRunner().invoke(main, ["slides", "sigmoid", "tanh", "relu", "-o", str(out), "--plots"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "deck-plot-1.pdf").exists() and (tmp_path / "deck-plot-2.pdf").exists()
    deck = (tmp_path / "deck.tex").read_text()
    assert deck.count("\\includegraphics") == 2
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    from derive.render.beamer import builds

    pages = sum(builds(derive(name))[-1] for name in ("sigmoid", "tanh", "relu"))  # a page a build
    assert pages == 13 and re.search(rf"^Pages:\s+{pages + 2}$", info, flags=re.M), info  # and two of plots


def test_the_page_with_plots_inlines_them_as_svg(tmp_path):
    out = tmp_path / "page.html"
    r = CliRunner().invoke(main, ["page", "sigmoid", "relu", "--plots", "-o", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.count('<figure class="plot"><svg') == 2
    assert not re.search(r"(src|href)=\"(https?:)?//", text)


@pytest.mark.parametrize("aspect, ratio", [("4:3", 4 / 3), ("16:9", 16 / 9)])
def test_the_aspect_sets_the_frame_shape(tmp_path, aspect, ratio):
    need("pdflatex", "pdfinfo")
    out = tmp_path / "deck.pdf"
    r = CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(out), "--aspect", aspect])
    assert r.exit_code == 0, r.output
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width / height == pytest.approx(ratio, rel=0.01)
    reveal = tmp_path / "deck.html"
    assert CliRunner().invoke(main, ["slides", "sigmoid", "-o", str(reveal), "--aspect", aspect]).exit_code == 0
    size = re.search(r"width: (\d+), height: (\d+)", reveal.read_text()).groups()
    assert int(size[0]) / int(size[1]) == pytest.approx(ratio, rel=0.01)
