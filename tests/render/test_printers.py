"""The printers: board forms as Unicode text and as LaTeX, names from the function registry. Short goldens."""

from __future__ import annotations

import re

import pytest
from helpers import normalise_latex
from sympy import Abs, Derivative, Eq, Function, Ne, Symbol, asinh, atanh, erf, exp, log, sqrt, tanh

from derive import derive
from derive.engine import board
from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY
from derive.knowledge.functions import logit, sigmoid
from derive.render import walk
from derive.render.printing.latex import board_latex, line_choices, visible_width
from derive.render.printing.text import board_text

z = Symbol("z", real=True)
u = Symbol("u")
beta = Symbol("beta", positive=True)
g = Function("g")(z)

CASES = [
    # (board form, text, LaTeX)
    (board.board_form(1 / (1 + exp(-z))), "1/(1 + e^(-z))", r"\frac{1}{1 + e^{-z}}"),
    (board.board_form(g * (1 - g)), "g(z)·(1 - g(z))", r"g(z) \left(1 - g(z)\right)"),
    (board.board_form(1 - tanh(z) ** 2), "1 - tanh(z)²", r"1 - \left(\tanh(z)\right)^{2}"),
    (sigmoid(board.board_form(beta * z)), "σ(β·z)", r"\sigma(\beta z)"),
    (logit(u), "logit(u)", r"\operatorname{logit}(u)"),
    (board.board_form(sqrt(1 + z**2)), "√(z² + 1)", r"\sqrt{z^{2} + 1}"),
    (Abs(z), "|z|", r"\left|z\right|"),
    (Derivative(board.board_form(1 + exp(-z)), z), "d/dz(1 + e^(-z))", r"\frac{d}{d z} \left(1 + e^{-z}\right)"),
    (Derivative(u, z), "du/dz", r"\frac{d u}{d z}"),
    (Eq(u, board.board_form(1 + exp(-z)), evaluate=False), "u = 1 + e^(-z)", r"u = 1 + e^{-z}"),
    (Ne(u, 0), "u ≠ 0", r"u \neq 0"),
    (board.neg(board.quotient(1, u, 2)), "-1/u²", r"-\frac{1}{u^{2}}"),
]


@pytest.mark.parametrize("expr, text, latex", CASES, ids=[c[1] for c in CASES])
def test_text_and_latex(expr, text, latex):
    assert board_text(expr) == text
    assert board_latex(expr) == latex


@pytest.mark.parametrize("entry", [e for e in registry.FUNCTIONS if e.latex], ids=lambda e: e.name)
def test_latex_names_come_from_the_registry(entry):
    applied = entry.function(u)
    assert board_latex(applied).startswith(entry.latex), board_latex(applied)


@pytest.mark.parametrize("entry", [e for e in registry.FUNCTIONS if e.text], ids=lambda e: e.name)
def test_text_names_come_from_the_registry(entry):
    applied = entry.function(u) if entry.function not in registry.by_pieces() else entry.function(u, z)
    # a name is applied with brackets, σ(u); a radical sign (∛) stands before a letter as √ does
    assert board_text(applied).startswith(entry.text + ("(" if entry.text.isalpha() else ""))


def test_sympys_own_names_where_the_registry_gives_none():
    assert board_latex(log(z)) == r"\log(z)"
    assert board_latex(erf(z)) == r"\operatorname{erf}(z)"
    assert board_latex(asinh(z)) == r"\operatorname{arsinh}(z)"
    assert board_text(atanh(z)) == "atanh(z)"


# --- lines broken for slides --------------------------------------------------

# what breaking adds: the aligned block, its first row's '&', each later row's '\\&\quad {}'
LAYOUT = re.compile(r"\\begin\{aligned\}(\[t\])?&|\\end\{aligned\}|\\\\&\\quad \{\}")


@pytest.mark.parametrize("name", [entry.name for entry in LIBRARY])
def test_a_broken_line_says_what_the_one_row_line_says(name):
    """Breaking a line over rows changes where its terms stand, never what they are; each way has one
    row more than the one before."""
    for line in walk(derive(name)):
        one_row, *broken = line_choices(line.step.expr)
        for rows, choice in enumerate(broken, start=2):
            assert normalise_latex(LAYOUT.sub("", choice)) == normalise_latex(one_row)
            assert choice.count(r"\\&\quad {}") == rows - 1


def test_the_quotient_rule_breaks_in_its_numerator_at_the_minus():
    line = list(walk(derive("tanh")))[2]  # g'(z) = ((e^z + e^-z) d/dz(...) - (e^z - e^-z) d/dz(...)) / (...)^2
    one_row, two_rows = line_choices(line.step.expr)
    # the numerator's bracket holds the two rows; the denominator is as it was
    assert two_rows.startswith(r"\frac{\left(\begin{aligned}&")
    assert two_rows.endswith(r"\end{aligned}\right)}{\left(e^{z} + e^{-z}\right)^{2}}")
    first, second = two_rows.split(r"\\&\quad {}")
    assert first.count(r"\frac{d}{d z}") == second.count(r"\frac{d}{d z}") == 1 and second.startswith("- ")


def test_a_sum_is_broken_where_it_is_whole_line_and_top_aligned():
    expr = board.board_form(1 - tanh(z) ** 2)
    assert line_choices(expr) == [
        r"1 - \left(\tanh(z)\right)^{2}",
        r"\begin{aligned}[t]&1\\&\quad {}- \left(\tanh(z)\right)^{2}\end{aligned}",
    ]
    assert line_choices(board.board_form(g * sigmoid(z))) == [r"g(z) \sigma(z)"]  # no sum: nowhere to break
    # a numerator no wider than its denominator: breaking it would leave the line as wide
    rearranged = list(walk(derive("sigmoid")))[4].step.expr  # 1/(1 + e^-z) · ((1 + e^-z - 1)/(1 + e^-z))
    assert len(line_choices(rearranged)) == 1


def test_visible_width_counts_what_is_written():
    assert visible_width(r"\frac{1}{1 + e^{-z}}") == visible_width("1 + e^{-z}") == 5
    assert visible_width(r"\left(\sigma(z)\right)") == 6
