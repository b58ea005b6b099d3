"""Issue 29, the marking engine: "not judged" is a verdict apart from wrong; mistakes are named for the step
taken; a line that follows from a wrong one says which; the JSON the page reads; the command without a
TARGET; implicit differentiation, Leibniz fractions by the author's own variable, claims under a condition."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import derive
from derive.cli import main
from derive.mark.marking import NOT_JUDGED, RIGHT, WRONG, mark
from derive.mark.mistakes import CATALOGUE
from derive.render.printing.latex import board_latex

SETTINGS = settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def test_not_judged_is_a_verdict_of_its_own_and_never_wrong():
    m = mark("sigmoid", ["g(x) = \\frac{1}{1+e^{-x}}", "\\mathcal{Q} \\star 1/(", "g'(x) = g(x)(1 - g(x))"])
    assert [line.verdict for line in m.lines] == [RIGHT, NOT_JUDGED, RIGHT]
    assert m.first_wrong is None and m.first_wrong_line is None and m.not_judged == 1
    assert m.lines[1].column is not None  # where the reader stopped
    data = m.to_dict()
    assert data["first_wrong"] is None and data["not_judged"] == 1 and data["lines"][1]["verdict"] == "not judged"
    assert "?" in m.render("text") and "✗" not in m.render("text")


@SETTINGS
@given(st.sampled_from(["sigmoid", "tanh", "softplus", "swish", "gelu", "softsign"]), st.sampled_from(["x", "t"]))
def test_a_slip_rearranging_a_right_derivative_is_named_as_one(name, var):
    # g'(x) = A (right), then = -A: a sign lost rearranging, never a rule of differentiation misapplied
    d = derive(name, var=var)
    right = d.steps[-1].expr
    lines = [f"g'({var}) = {board_latex(right)}", f"= -\\left({board_latex(right)}\\right)"]
    wrong = mark(name, lines).first_wrong_line
    assert wrong is not None and wrong.number == 2
    assert wrong.mistake is not None and wrong.mistake.kind == "sign-lost", wrong.mistake
    assert wrong.hint is not None and "rearranging" in wrong.hint


def test_the_new_mistakes_are_named_for_the_step_taken():
    m = mark("tanh", ["g(x) = \\tanh x", "g'(x) = \\sec^2 x"])
    assert m.first_wrong_line.mistake.kind == "tanh-taken-for-tan" and m.first_wrong_line.hint
    m = mark("sigmoid", ["g(x) = \\frac{1}{1+e^{-x}}", "= (1+e^{-x})^{1}"])
    assert m.first_wrong_line.mistake.kind == "reciprocal-exponent-sign"
    m = mark("sigmoid", ["g'(x) = \\frac{e^{-x}}{(1+e^{-x})^2}", "= \\frac{1}{(1+e^{-x})^2}"])
    assert m.first_wrong_line.mistake.kind == "factor-lost"
    assert {"tanh-taken-for-tan", "reciprocal-exponent-sign", "factor-lost"} <= set(CATALOGUE)


def test_a_line_that_follows_from_a_wrong_line_says_which():
    m = mark(
        "sigmoid",
        [
            "g(x) = \\frac{1}{1+e^{-x}}",
            "g'(x) = -\\frac{1}{(1+e^{-x})^2} \\cdot \\frac{d}{dx}(1+e^{-x})",
            "= -\\frac{1}{(1+e^{-x})^2} \\cdot e^{-x}",
            "= -\\frac{e^{-x}}{(1+e^{-x})^2}",
            "= -g(x)(1-g(x))",
        ],
    )
    assert m.first_wrong == 3 and m.first_wrong_line.mistake.kind == "inner-sign-lost"
    assert [line.follows_from for line in m.lines[3:]] == [3, 3]
    assert all(line.mistake is None for line in m.lines[3:])
    data = m.to_dict()
    assert data["lines"][4]["follows_from"] == 3 and "follows from line 3" in m.render("text")


def test_the_json_the_page_reads():
    m = mark(
        None, ["\\sigma(x) = \\frac{1}{1+e^{-x}} \\quad [\\text{definition}]", "\\sigma'(x) = \\sigma(x)(1+\\sigma(x))"]
    )
    data = json.loads(m.render("json"))
    assert data["target_from"] == "first line" and data["variable"] == "x" and data["first_wrong"] == 2
    assert {"target", "not_judged", "final", "lines"} <= set(data)
    first, second = data["lines"]
    for line in data["lines"]:
        assert {"number", "text", "verdict", "reason", "latex", "words", "follows_from", "mistake", "hint"} <= set(line)
    assert first["words"] == ["definition"] and first["hint"] is None and first["mistake"] is None
    assert second["verdict"] == "wrong" and second["mistake"]["kind"] == "sigmoid-one-plus"
    assert second["mistake"]["sentence"] and "\\" not in second["mistake"]["sentence"]
    assert second["hint"] and "1-" not in second["hint"]  # the rule's name, not the answer
    from derive.reading import read

    assert read(first["latex"].split("=", 1)[1], "x").expr is not None  # the line's mathematics, typeset back
    assert "the function taken from the derivation's first definition" in m.render("text")


def test_the_command_without_a_target(tmp_path):
    right = tmp_path / "right.tex"
    right.write_text("\\tanh x = \\frac{\\sinh x}{\\cosh x}\n\\frac{d}{dx}\\tanh x = 1 - \\tanh^2 x\n")
    result = CliRunner().invoke(main, ["mark", str(right)])
    assert result.exit_code == 0 and "first definition" in result.output, result.output
    result = CliRunner().invoke(main, ["mark", "sigmoid", str(right)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "not the function" in result.stderr
    starts = tmp_path / "starts.txt"
    starts.write_text("g'(x) = 1 - g(x)^2\n")
    result = CliRunner().invoke(main, ["mark", str(starts)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert CliRunner().invoke(main, ["mark", "tanh", str(starts)]).exit_code == 0


def test_the_folder_summary_counts_not_judged_apart(tmp_path):
    (tmp_path / "a.txt").write_text("g(x) = \\tanh x\n\\mathcal{Q} \\star 1/(\ng'(x) = 1 - g(x)^2\n")
    (tmp_path / "b.txt").write_text("g(x) = \\tanh x\ng'(x) = 1 + g(x)^2\n")
    result = CliRunner().invoke(main, ["mark", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = {r["file"]: r for r in csv.DictReader((tmp_path / "marks.csv").open())}
    assert rows["a.txt"]["first_wrong"] == "" and rows["a.txt"]["not_judged"] == "1"
    assert rows["b.txt"]["first_wrong"] == "2" and rows["b.txt"]["not_judged"] == "0"


def test_implicit_differentiation_for_an_inverse():
    m = mark(
        "arctan",
        ["y = \\arctan x", "\\tan y = x", "\\sec^2 y \\, y' = 1", "y' = \\frac{1}{1 + \\tan^2 y} = \\frac{1}{1+x^2}"],
    )
    assert m.all_right, m.render("text")
    m = mark("arctan", ["y = \\arctan x", "\\tan y = x", "\\sec^2 y \\, y' = x"])
    assert m.lines[-1].verdict != RIGHT


def test_leibniz_fractions_by_the_authors_own_variable():
    lines = ["u = 1 + e^{-x}, \\quad y = \\frac{1}{u}", "\\frac{dy}{du} = -\\frac{1}{u^2}", "\\frac{du}{dx} = -e^{-x}",
             "\\frac{dy}{dx} = \\frac{dy}{du} \\cdot \\frac{du}{dx} = \\frac{e^{-x}}{(1+e^{-x})^2}"]  # fmt: skip
    m = mark("sigmoid", lines)
    assert m.all_right and m.derivation.variable.name == "x", m.render("text")
    wrong = mark("sigmoid", [*lines[:1], "\\frac{dy}{du} = \\frac{1}{u^2}"])
    assert wrong.first_wrong == 2


def test_a_claim_under_a_condition_is_judged_where_it_holds():
    m = mark("softsign", ["\\text{for } x > 0: f(x) = \\frac{x}{1+x}", "f(x) = \\frac{x}{1+|x|}"])
    assert m.all_right, m.render("text")
    m = mark("softsign", ["f(x) = \\frac{x}{1+|x|}", "\\text{for } x < 0: f'(x) = \\frac{1}{(1+x)^2}"])
    assert m.first_wrong == 2


@pytest.mark.parametrize(
    "primed", ["(e^{-x})'", "\\left(e^{-x}\\right)'", "[e^{-x}]'", "D(e^{-x})", "\\frac{d e^{-x}}{dx}"]
)
def test_primes_and_operators_on_sub_expressions(primed):
    m = mark("sigmoid", ["g(x) = \\frac{1}{1+e^{-x}}", f"g'(x) = -\\frac{{1}}{{(1+e^{{-x}})^2}} \\cdot {primed}"])
    assert [line.verdict for line in m.lines] == [RIGHT, RIGHT], m.render("text")
    m = mark("sigmoid", ["g(x) = \\frac{1}{1+e^{-x}}", f"g'(x) = \\frac{{1}}{{(1+e^{{-x}})^2}} \\cdot {primed}"])
    assert m.lines[-1].verdict == WRONG


def test_the_same_derivation_is_marked_the_same_in_every_process():
    import os
    import subprocess
    import sys

    script = (
        "import json; from derive.mark.marking import mark; "
        "print(json.dumps(mark(None, ['u = 1 + e^{-x}', 'g(x) = 1/u', \"u' = -e^{-x}\", "
        "\"g'(x) = -u'/u^2\", '= -\\\\frac{e^{-x}}{(1+e^{-x})^2}', '= \\\\frac{1}{(1+e^{-x})^2}']).to_dict(), "
        "sort_keys=True))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    data = json.loads(outputs.pop())
    assert data["first_wrong"] == 5 and data["lines"][-1]["follows_from"] is None


def test_every_claims_latex_is_typeset_by_katex():
    from tools import katex_failures

    derivations = [
        (
            None,
            ["let u = 1 + e^{-x}", "\\sigma(x) = 1/u", "u' = -e^{-x}", "\\frac{dy}{du} = 1", "\\sigma'(x) = -u'/u^2"],
        ),
        ("arctan", ["y = \\arctan x", "\\tan y = x", "\\sec^2 y \\, y' = 1", "y' = \\frac{1}{1+x^2}"]),
        (
            "elu",
            [
                "\\text{for } x > 0: g'(x) = 1",
                "g'(x) = \\begin{cases} 1 & x > 0 \\\\ \\alpha e^x & x \\le 0 \\end{cases}",
            ],
        ),
    ]
    tex = [line["latex"] for target, lines in derivations for line in mark(target, lines).to_dict()["lines"]]
    typeset = katex_failures([t for t in tex if t])
    assert typeset["failures"] == [] and typeset["rendered"] == len([t for t in tex if t]) >= 10


def test_an_empty_target_is_no_target():
    marking = mark("  ", ["g(t) = \\tanh t", "g'(t) = 1 - g(t)^2"])
    assert marking.target_from == "first line" and marking.all_right


@pytest.mark.parametrize(
    "lines",
    [
        ["f(u) = \\frac{1}{1+e^{-u}}", "g(x) = f(2x)", "g'(x) = f'(2x) \\cdot 2", "= 2f(2x)(1-f(2x))"],
        ["f(u) = \\frac{1}{1+e^{-u}}, \\quad h(x) = 2x", "g(x) = f(h(x))", "g'(x) = f'(h(x))\\,h'(x)"],
    ],
)
def test_a_helper_function_primed_at_another_function(lines):
    marking = mark("1/(1+exp(-2*x))", lines)
    assert marking.all_right, marking.render("text")
    wrong = mark("1/(1+exp(-2*x))", [*lines[:2], "g'(x) = f'(2x)"])
    assert wrong.first_wrong == 3
