"""Points 2 and 3 of issue 21: derivative operators around the function, and definitions f(x) = ...,
whose name is the function's name in every output."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from sympy import Derivative, Symbol, sympify, tanh

from derive import DeriveError, ParseError, derive, json_locals, prove
from derive.cli import main
from derive.reading.resolve import resolve

x = Symbol("x", real=True)
z = Symbol("z", real=True)

OPERATORS = [
    ("d/dx tanh(x)", "x", 1),
    ("d/dx(tanh(x))", "x", 1),
    ("d/dx[tanh(x)]", "x", 1),
    ("d/dx x tanh x", "x", 1),  # the product after it
    (r"\frac{d}{dz}\tanh z", "z", 1),
    (r"\frac{d}{dz} \tanh(z)", "z", 1),
    (r"\dfrac{\mathrm{d}}{\mathrm{d}x} \tanh(x)", "x", 1),
    (r"\frac{\mathrm d}{\mathrm d x}\left(\tanh x\right)", "x", 1),
    (r"\frac{\partial}{\partial x} \tanh(x)", "x", 1),
    ("∂/∂x tanh(x)", "x", 1),
    ("diff(tanh(x), x)", "x", 1),
    ("Derivative(tanh(x), x)", "x", 1),
    ("d^2/dx^2 tanh(x)", "x", 2),
    ("d²/dx² tanh(x)", "x", 2),
    (r"\frac{d^2}{dx^2} \tanh x", "x", 2),
    (r"\frac{d^{2}}{d x^{2}} \tanh(x)", "x", 2),
    ("diff(tanh(x), x, 2)", "x", 2),
    ("diff(tanh(x), x, x)", "x", 2),
]


@pytest.mark.parametrize("text, var, order", OPERATORS, ids=[o[0] for o in OPERATORS])
def test_an_operator_around_the_function_says_what_to_differentiate(text, var, order):
    function = resolve(text)
    assert function.variable.name == var and function.order == order
    d = derive(text)
    assert d.order == order and d.function.body.has(tanh)
    inner = "x*tanh(x)" if " x tanh x" in text else f"tanh({var})"
    same = derive(inner, var=var, order=order)
    assert [s.expr for s in d.steps] == [s.expr for s in same.steps]


def test_the_operator_and_the_order_option_agree_or_are_refused():
    assert derive("d^2/dx^2 tanh(x)", order=2).order == 2
    with pytest.raises(DeriveError, match="say it once"):
        derive("d^2/dx^2 tanh(x)", order=3)
    with pytest.raises(ParseError, match="not in the variable z asked for"):
        derive("d/dx tanh(x)", var="z")


AMBIGUOUS = [
    ("d/dx x^2 + 1", "d/dx without brackets before '+' is ambiguous"),
    ("d/dx x - 1", "d/dx without brackets before '-' is ambiguous"),
    ("dy/dx + 1", "defines"),  # dy/dx names a derivative: not a target
]


@pytest.mark.parametrize("text, message", AMBIGUOUS[:2], ids=[a[0] for a in AMBIGUOUS[:2]])
def test_an_operator_whose_reach_is_unsure_is_refused(text, message):
    with pytest.raises(ParseError, match=re.escape(message)):
        resolve(text)


def test_brackets_settle_the_reach():
    assert resolve("d/dx(x^2) + 1").body == 2 * x + 1  # an inner derivative: carried out
    assert "carried out" in resolve("d/dx(x^2) + 1").conventions[-1]
    # SymPy's LaTeX writes d/dz(f) + c without brackets: read as it means, the reading said
    reading = resolve(r"\frac{d}{d x} x^{2} + x")
    assert reading.body == 3 * x and any("frac{d}{dz} f + c" in c for c in reading.conventions)


def test_in_prove_an_operator_stays_an_operator_on_either_side():
    identity = prove(r"\frac{d}{dz}\tanh(z)", r"1-\tanh^2(z)")
    assert identity.holds and identity.lhs == Derivative(tanh(z), z)
    assert prove("d/dx tanh(x)", "1 - tanh(x)^2").holds  # the variable from the operator
    assert not prove("d/dx tanh(x)", "1 + tanh(x)^2").holds
    result = CliRunner().invoke(main, ["prove", r"\frac{d}{dz}\tanh(z)", r"1-\tanh^2(z)"])
    assert result.exit_code == 0 and "the identity holds" in result.output


DEFINITIONS = [
    ("f(x) = 1/(1+e^{-x})", "f", "x"),
    ("y = 1/(1+e^-x)", "y", "x"),
    ("g(z) := 1/(1 + exp(-z))", "g", "z"),
    (r"\sigma(z) = \frac{1}{1+e^{-z}}", "sigma", "z"),
    (r"f(x) \coloneqq \frac{1}{1 + e^{-x}}", "f", "x"),
    ("h(t) = 1/(1+e^(-t))", "h", "t"),
]


@pytest.mark.parametrize("text, name, var", DEFINITIONS, ids=[d[0] for d in DEFINITIONS])
def test_a_definition_means_its_right_side_and_names_the_function(text, name, var):
    d = derive(text)
    assert d.function.symbol == name and d.variable.name == var
    assert d.output_form is not None  # the logistic function: g(1 - g), in its own name
    data = json.loads(d.render("json"))
    assert data["function"] == name and data["variable"] == var
    names = json_locals(data["variable"], data["function"])
    from sympy import Function

    f = Function(name)(Symbol(var, real=True))
    assert (
        sympify(data["output_form"], locals=names) == (f * (1 - f)).expand()
        or sympify(data["output_form"], locals=names).expand() == (f * (1 - f)).expand()
    )


def test_every_output_says_the_functions_own_name():
    d = derive("f(x) = 1/(1+e^{-x})")
    text = d.render("text")
    assert " f(x) = 1/(1 + e^(-x))" in text and "f′(x) = " in text and "f(x)·(1 - f(x))" in text
    assert "g(" not in text.replace("f(x) = 1/(1+e^{-x}): ", "") and " g " not in text
    latex = d.render("latex")
    assert "f(x) &= " in latex and "f'(x) &= " in latex and r"f(x) \left(1 - f(x)\right)" in latex
    assert "g(x)" not in latex
    greek = derive(r"\sigma(z) = \frac{1}{1+e^{-z}}")
    assert r"\sigma'(z) &= " in greek.render("latex") and "σ′(z) = " in greek.render("text")
    for fmt in ("markdown", "html", "beamer", "reveal"):
        assert "g(x)" not in d.render(fmt), fmt
    second = derive("f(x) = tanh(x)", order=2).render("text")
    assert "f″(x)" in second or "f′′(x)" in second


REFUSED_DEFINITIONS = [
    ("f(x) = f(x) + 1", "in terms of itself"),
    ("y = y^2 + x", "in terms of itself"),
    ("f'(x) = f(x)(1 - f(x))", "defines a derivative"),
    ("x^2 = y", "the left side of '=' must name the function"),
    ("f(x) = 1 = 2", "more than one '='"),
    ("f(x) = z^2", "does not depend on the variable x"),
]


@pytest.mark.parametrize("text, message", REFUSED_DEFINITIONS, ids=[r[0] for r in REFUSED_DEFINITIONS])
def test_a_definition_that_is_no_function_is_refused(text, message):
    with pytest.raises(DeriveError, match=message):
        derive(text)
