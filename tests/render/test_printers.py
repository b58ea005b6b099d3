"""The printers: board forms as Unicode text and as LaTeX, names from the function registry. Short goldens."""

from __future__ import annotations

import pytest
from sympy import Abs, Derivative, Eq, Function, Ne, Symbol, asinh, atanh, erf, exp, log, sqrt, tanh

from derive import board, registry
from derive.functions import logit, sigmoid
from derive.printing.latex import board_latex
from derive.printing.text import board_text

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
    assert board_text(applied).startswith(entry.text + "(")


def test_sympys_own_names_where_the_registry_gives_none():
    assert board_latex(log(z)) == r"\log(z)"
    assert board_latex(erf(z)) == r"\operatorname{erf}(z)"
    assert board_latex(asinh(z)) == r"\operatorname{arsinh}(z)"
    assert board_text(atanh(z)) == "atanh(z)"
