"""Issue 22: a derivation someone wrote by hand, marked line by line: the first wrong line, where it
differs, and the mistake, named only where derive proves it."""

from __future__ import annotations

import csv
import json
import re
import subprocess

import mpmath
import pytest
from click.testing import CliRunner
from tools import katex_failures, need

from derive import DeriveError, derive, mark
from derive.cli import main
from derive.mark.mistakes import CATALOGUE

# each catalogue entry planted once: (target, lines, the mistake the first wrong line shows)
PLANTED = [
    ("sigmoid", ["g(z) = (1+e^{-z})^{-1}", "g'(z) = -(1+e^{-z})^{-2}"], "chain-rule-without-inner"),
    ("sigmoid", ["g(z) = (1+e^{-z})^{-1}", "g'(z) = -(1+e^{-z})^{-2} e^{-z}"], "inner-sign-lost"),
    (
        "tanh",
        [
            r"g(z) = \frac{e^z - e^{-z}}{e^z + e^{-z}}",
            r"g'(z) = \frac{(e^z - e^{-z})^2 - (e^z+e^{-z})^2}{(e^z+e^{-z})^2}",
        ],
        "quotient-numerator-reversed",
    ),
    (
        "tanh",
        [r"g(z) = \frac{e^z - e^{-z}}{e^z + e^{-z}}", r"g'(z) = \frac{(e^z + e^{-z})^2 - (e^z-e^{-z})^2}{e^z+e^{-z}}"],
        "quotient-denominator-not-squared",
    ),
    (
        "swish",
        [r"g(z) = z \sigma(\beta z)", r"g'(z) = \beta\sigma(\beta z)(1-\sigma(\beta z))"],
        "product-of-derivatives",
    ),
    ("sigmoid", ["g(z) = (1+e^{-z})^{-1}", "g'(z) = -(1+e^{-z})^{-1} (-e^{-z})"], "power-exponent-not-lowered"),
    ("z^3 + 1", ["g(z) = z^3 + 1", "g'(z) = z^2"], "power-coefficient-lost"),
    ("softplus", [r"g(z) = \log(1+e^z)", r"g'(z) = \frac{1}{1+e^z}"], "log-reciprocal-without-inner"),
    ("sigmoid", [r"g(z) = \frac{1}{1+e^{-z}}", r"g'(z) = \frac{1}{-e^{-z}}"], "reciprocal-of-derivative"),
    ("sigmoid", [r"g(z) = \sigma(z)", "g'(z) = g(1+g)"], "sigmoid-one-plus"),
    ("tanh", [r"g(z) = \tanh z", r"g'(z) = 1 + \tanh^2 z"], "tanh-one-plus"),
    ("tanh", [r"g(z) = \tanh z", r"g'(z) = \operatorname{sech} z"], "tanh-sech-not-squared"),
    ("tanh", [r"g(z) = \tanh z", r"g'(z) = 1 - \tanh^2 z", "= (1 - g)^2"], "square-of-difference"),
    (
        "sigmoid",
        [
            r"g(z) = \frac{1}{1+e^{-z}}",
            r"g'(z) = \frac{1}{1+e^{-z}} - \frac{1}{(1+e^{-z})^2}",
            r"= -\frac{1}{1+e^{-z}} - \frac{1}{(1+e^{-z})^2}",
        ],
        "sign-lost",
    ),
    ("logsigmoid", [r"g(z) = -\log(1+e^{-z})", r"g'(z) = \frac{e^{-z}}{1+e^{-z}}", r"= e^{-z}"], "term-lost"),
    ("tanh", [r"g(z) = \tanh z", r"g'(z) = \sec^2 z"], "tanh-taken-for-tan"),
    ("sigmoid", [r"g(z) = \frac{1}{1+e^{-z}}", r"= (1+e^{-z})^{1}"], "reciprocal-exponent-sign"),
    (
        "sigmoid",
        [r"g(z) = \frac{1}{1+e^{-z}}", r"g'(z) = \frac{e^{-z}}{(1+e^{-z})^2}", r"= \frac{1}{(1+e^{-z})^2}"],
        "factor-lost",
    ),
    (
        "gelu",
        [
            r"g(z) = \frac{z}{2}(1 + \operatorname{erf}(z/\sqrt{2}))",
            r"g'(z) = \frac{1}{2}(1 + \operatorname{erf}(z/\sqrt 2)) + \frac{z}{\sqrt\pi} e^{-z^2/2}",
        ],
        "chain-rule-without-inner",
    ),
    (
        "celu",
        [
            r"g(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z/\alpha} - 1) & \text{otherwise} \end{cases}",
            r"g'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z/\alpha} & \text{otherwise} \end{cases}",
        ],
        "chain-rule-without-inner",
    ),  # fmt: skip
]


@pytest.mark.parametrize("target, lines, kind", PLANTED, ids=[f"{p[0]}-{p[2]}" for p in PLANTED])
def test_a_planted_mistake_is_located_and_named(target, lines, kind):
    m = mark(target, lines)
    first = m.first_wrong
    assert first == len(lines), [line.verdict for line in m.lines]  # the planted line, not before
    wrong = m.first_wrong_line
    assert wrong.verdict == "wrong" and wrong.mistake is not None and wrong.mistake.kind == kind
    assert wrong.differs_at is not None


def test_every_catalogue_entry_is_planted():
    assert {kind for _, _, kind in PLANTED} == set(CATALOGUE)


def test_a_mistake_is_named_only_where_it_is_proved():
    m = mark("elu", [r"g(z) = \begin{cases} z & z > 0 \\ \alpha(e^{z} - 1) & z \le 0\end{cases}",
                     r"g'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z} - 1 & z \le 0 \end{cases}"])  # fmt: skip
    assert m.lines[1].verdict == "wrong" and m.lines[1].mistake is None  # wrong, but no mal-rule gives it
    m = mark("sigmoid", ["g'(z) = 3 e^{-z}"])
    assert m.lines[0].verdict == "wrong" and m.lines[0].mistake is None


def test_where_a_line_differs_is_a_point_with_both_values():
    m = mark("tanh", [r"g(z) = \tanh z", r"g'(z) = 1 + \tanh^2 z"])
    d = m.lines[1].differs_at
    with mpmath.workdps(30):
        z = mpmath.mpf(d.at)
        assert abs(d.written - (1 + mpmath.tanh(z) ** 2)) < 1e-12 and abs(d.right - (1 - mpmath.tanh(z) ** 2)) < 1e-12
    assert d.written != pytest.approx(d.right)


CORRECT = [
    (
        "sigmoid",
        [
            r"g(z) = \frac{1}{1+e^{-z}}",
            r"g'(z) = \frac{(1+e^{-z})\cdot 0 - 1\cdot(-e^{-z})}{(1+e^{-z})^2}",
            r"= \frac{e^{-z}}{(1+e^{-z})^2}",
            r"= g(z)(1 - g(z))",
        ],
    ),  # fmt: skip
    ("sigmoid", [r"g(z) = \frac{e^z}{1+e^{z}}", r"g'(z) = \frac{e^z(1+e^z) - e^z e^z}{(1+e^z)^2}", "= g(1-g)"]),
    (
        "sigmoid",
        [r"g(z) = \frac{1}{1+e^{-z}} \cdot \frac{e^z}{e^z}", r"= \frac{e^z}{e^z+1}", r"g'(z) = \frac{e^z}{(e^z+1)^2}"],
    ),
    ("sigmoid", [r"g(z) = \sigma(z)", r"g'(z) = \sigma(z)\sigma(-z)", r"= \sigma(z)(1-\sigma(z))"]),
    (
        "tanh",
        [
            r"g(z) = \frac{\sinh z}{\cosh z}",
            r"g'(z) = \frac{\cosh^2 z - \sinh^2 z}{\cosh^2 z}",
            r"= \operatorname{sech}^2 z",
            "= 1 - g^2",
        ],
    ),  # fmt: skip
    ("tanh", [r"g(z) = 2\sigma(2z) - 1", r"g'(z) = 4\sigma(2z)(1 - \sigma(2z))", "= (1 - g)(1 + g)"]),
    ("softplus", [r"f(x) = \ln(1 + e^x)", r"f'(x) = \frac{e^x}{1+e^x} = \sigma(x) = 1 - e^{-f(x)}"]),
    (
        "elu",
        [
            r"g(z) = \begin{cases} z & z > 0 \\ \alpha (e^z - 1) & \text{otherwise}\end{cases}",
            r"g'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^z & \text{otherwise} \end{cases}",
        ],
    ),  # fmt: skip
    ("gelu", [r"g(z) = z \Phi(z)", r"g'(z) = \Phi(z) + z \phi(z)"]),
    ("logsigmoid", [r"g(z) = \log \sigma(z)", r"g'(z) = 1 - \sigma(z)", r"= 1 - e^{g}"]),
    ("swish", [r"g(z) = z\sigma(\beta z)", r"g'(z) = \sigma(\beta z) + \beta z \sigma(\beta z)(1 - \sigma(\beta z))"]),
    (
        "sigmoid",
        [r"\frac{d}{dz} g(z) = \frac{e^{-z}}{(1+e^{-z})^2}", r"\frac{d}{dz}\sigma(z) = \sigma(z)(1-\sigma(z))"],
    ),
    ("sigmoid", [r"g(x) = \frac{1}{1+e^{-x}}", r"g'(x) = \frac{e^{-x}}{(1+e^{-x})^2}"]),
]


@pytest.mark.parametrize("target, lines", CORRECT, ids=[f"{c[0]}-{i}" for i, c in enumerate(CORRECT)])
def test_correct_work_by_any_route_is_never_marked_wrong(target, lines):
    m = mark(target, lines)
    assert m.all_right, [(line.text, line.reason) for line in m.lines if line.verdict != "right"]
    assert m.final["right"] and m.first_wrong is None


def test_a_simpler_form_is_mentioned_not_penalised():
    m = mark("sigmoid", [r"g'(z) = \frac{e^{-z}}{(1+e^{-z})^2}"])
    assert m.all_right and m.simpler is not None and "simpler" in m.render("text")


PASTED = r"""% Problem 1: the derivative of the logistic function
\begin{align*}
g(z) &= \frac{1}{1 + e^{-z}} \notag \\
g'(z) &= -\left(1 + e^{-z}\right)^{-2} \frac{d}{dz}\left(1 + e^{-z}\right) \nonumber \\
  &= \frac{e^{-z}}{(1 + e^{-z})^2} \\[4pt]
  &= g(z)\,(1 - g(z))  % the output form
\end{align*}
"""


def test_a_latex_block_pasted_whole_is_read_line_by_line():
    m = mark("sigmoid", PASTED)
    assert [line.number for line in m.lines] == [3, 4, 5, 6]
    assert m.all_right and m.final == {"right": True, "output_form": True}


def test_an_unreadable_line_has_its_column_and_the_rest_are_still_judged():
    m = mark("tanh", ["g(z) = \\tanh z", "g'(z) = 1 - \\tanh^2(z", "g'(z) = 1 - g^2"])
    assert [line.verdict for line in m.lines] == ["right", "not judged", "right"]
    assert re.search(r"at column \d+", m.lines[1].reason) and m.lines[1].column is not None
    assert m.first_wrong is None and m.not_judged == 1  # not judged is not wrong


def test_a_wrong_line_after_a_wrong_line_carries_the_earlier_mistake():
    m = mark("z^3", ["g'(z) = z^2", "= z \\cdot z"])
    assert m.lines[1].verdict == "wrong" and m.lines[1].follows and m.lines[1].mistake is None


def test_the_json_says_each_lines_verdict():
    m = mark("sigmoid", ["g(z) = (1+e^{-z})^{-1}", "g'(z) = -(1+e^{-z})^{-2}"])
    data = json.loads(m.render("json"))
    assert data["first_wrong"] == 2 and data["final"]["right"] is False
    second = data["lines"][1]
    assert second["verdict"] == "wrong" and second["quantity"] == "g'" and second["text"].startswith("g'(z)")
    assert (
        second["mistake"]["kind"] == "chain-rule-without-inner"
        and "inner derivative" in second["mistake"]["explanation"]
    )
    assert set(second["differs_at"]) >= {"z", "written", "right"}
    assert data["lines"][0]["mistake"] is None and data["lines"][0]["differs_at"] is None


def test_the_cli_marks_a_file_and_standard_input(tmp_path):
    right = tmp_path / "right.txt"
    right.write_text("g(z) = \\tanh z\ng'(z) = 1 - g^2\n")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("g(z) = \\tanh z\ng'(z) = 1 + g^2\n")
    result = CliRunner().invoke(main, ["mark", "tanh", str(right)])
    assert result.exit_code == 0 and "✓" in result.output and "✗" not in result.output
    result = CliRunner().invoke(main, ["mark", "tanh", str(wrong)])
    assert result.exit_code == 1 and "✗" in result.output and "tanh-one-plus" in result.output
    result = CliRunner().invoke(main, ["mark", "tanh", "-", "--format", "json"], input="g'(z) = 1 - g^2\n")
    assert result.exit_code == 0 and json.loads(result.output)["final"]["output_form"]
    result = CliRunner().invoke(main, ["mark", "nosuch", str(right)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    result = CliRunner().invoke(main, ["mark", "tanh", str(tmp_path / "missing.txt")])
    assert result.exit_code == 2 and "cannot read" in result.stderr


def test_the_marks_typeset_in_latex_and_html(tmp_path):
    need("pdflatex")
    m = mark("tanh", ["g(z) = \\tanh z", "g'(z) = 1 + \\tanh^2 z", "= 1 - g^2"])
    tex = tmp_path / "marks.tex"
    tex.write_text(m.render("latex"))
    built = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                           capture_output=True, text=True)  # fmt: skip
    assert built.returncode == 0, built.stdout[-1500:]
    page = m.render("html")
    cells = re.findall(r'data-tex="([^"]*)"', page)
    assert len(cells) == 3 and "✗" in page and "✓" in page
    import html

    typeset = katex_failures([html.unescape(c) for c in cells])
    assert typeset["failures"] == [] and typeset["rendered"] == 3


def test_an_instructor_marks_a_folder(tmp_path):
    (tmp_path / "alice.txt").write_text("g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}\n")
    (tmp_path / "bob.tex").write_text("\\begin{align*} g'(z) &= g(z)(1 - g(z)) \\end{align*}\n")
    (tmp_path / "carol.txt").write_bytes(b"\xff\xfe not text")
    (tmp_path / "dave.txt").write_text("g'(z) = \\frac{e^{-z}}{(1 + e^{-z})^2}\n")
    result = CliRunner().invoke(main, ["mark", "sigmoid", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = {r["file"]: r for r in csv.DictReader((tmp_path / "marks.csv").open())}
    assert set(rows) == {"alice.txt", "bob.tex", "carol.txt", "dave.txt"}
    assert rows["alice.txt"]["first_wrong"] == "2" and rows["alice.txt"]["mistake"] == "chain-rule-without-inner"
    assert rows["bob.tex"]["final_right"] == "True" and rows["bob.tex"]["output_form"] == "True"
    assert rows["carol.txt"]["error"]  # reported, and the rest marked
    assert rows["dave.txt"]["first_wrong"] == "" and rows["dave.txt"]["output_form"] == "False"
    summary = json.loads((tmp_path / "marks.json").read_text())
    assert [s["file"] for s in summary["submissions"]] == sorted(rows)
    assert not list(tmp_path.glob(".*.tmp*"))
    again = CliRunner().invoke(main, ["mark", "sigmoid", str(tmp_path)])  # its own summaries are not submissions
    assert again.exit_code == 0 and "marks.csv:" not in again.output


def test_a_submission_past_the_time_limit_is_reported_and_the_rest_go_on(tmp_path):
    (tmp_path / "a.txt").write_text("g'(z) = g(1 - g)\n")
    (tmp_path / "b.txt").write_text("g'(z) = g(1 - g)\n")
    result = CliRunner().invoke(main, ["mark", "mish", str(tmp_path), "--seconds", "0.001"])
    assert result.exit_code == 0
    rows = list(csv.DictReader((tmp_path / "marks.csv").open()))
    assert len(rows) == 2 and all("gave up" in r["error"] for r in rows)


def test_the_python_api_and_its_limits():
    assert mark("tanh", "g'(z) = 1 - g^2").all_right
    with pytest.raises(DeriveError, match="no line to mark"):
        mark("tanh", "% nothing\n\n")
    assert derive("tanh").output_form is not None


@pytest.mark.parametrize("target", ["sigmoid", "tanh", "softplus", "swish", "celu", "logsigmoid", "gelu"])
def test_every_mal_rule_planted_at_every_place_of_the_library_is_named(target):
    # each mal-rule applied at each node of g's rule tree, written as a student's line in LaTeX: the line
    # is wrong, and named by a mistake whose line it is (two mal-rules can give the same line)
    from derive.engine import rules
    from derive.engine.board import board_form
    from derive.mark.mistakes import candidates
    from derive.proof.prover import prove_equal
    from derive.render.printing.latex import board_latex

    d = derive(target)
    body, z = d.function.body, d.variable
    planted = [(mal.kind, wrong) for mal, _, wrong in candidates(rules.rule_tree(body, z))]
    wrong_ones = [(k, w) for k, w in planted if not prove_equal(w, d.derivative, z, domain=body).ok]
    assert wrong_ones
    for kind, wrong in wrong_ones:
        lines = [f"g(z) = {board_latex(board_form(body))}", f"g'(z) = {board_latex(board_form(wrong))}"]
        line = mark(target, lines).lines[-1]
        assert line.verdict == "wrong" and line.mistake is not None, (kind, lines[1])
        same = {k for k, w in planted if prove_equal(w, wrong, z, domain=body).ok}
        assert line.mistake.kind in same, (kind, line.mistake.kind)
