"""What people type (issue 12): math notation, Unicode, LaTeX from slides, and how ambiguities are read."""

from __future__ import annotations

import builtins
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sympy import Abs, E, Max, Piecewise, Rational, Symbol, cos, exp, log, pi, sin, sqrt, tanh

from derive import AmbiguousVariableError, DeriveError, ParseError, derive
from derive.cli import main
from derive.knowledge.functions import sigmoid
from derive.reading.resolve import expression

x = Symbol("x", real=True)
z = Symbol("z", real=True)
y, a = Symbol("y", positive=True), Symbol("a", positive=True)
alpha, beta = Symbol("alpha", positive=True), Symbol("beta", positive=True)

MATH = [
    ("1/(1+e^-x)", "x", 1 / (1 + exp(-x))),
    ("e^z", "z", exp(z)),
    ("sigmoid(2z)", "z", sigmoid(2 * z)),
    ("3x^2 + 2x", "x", 3 * x**2 + 2 * x),
    ("x^2 sin(x)", "x", x**2 * sin(x)),
    ("x^2 sin x", "x", x**2 * sin(x)),
    ("x e^x", "x", x * exp(x)),
    ("xe^x", "x", x * exp(x)),
    ("sin(x)cos(x)", "x", sin(x) * cos(x)),
    ("(1+x)(1-x)", "x", (1 + x) * (1 - x)),
    ("tanh x", "x", tanh(x)),
    ("sin 2x", "x", sin(2 * x)),
    ("z²", "z", z**2),
    ("z³ + z", "z", z**3 + z),
    ("√(1+z²)", "z", sqrt(1 + z**2)),
    ("z/(1+|z|)", "z", z / (1 + Abs(z))),
    ("z·σ(z)", "z", z * sigmoid(z)),
    ("z×2 − 1", "z", 2 * z - 1),
    ("βz", "z", beta * z),
    ("2sigmoid(z)", "z", 2 * sigmoid(z)),
    ("ReLU(z)", "z", Max(0, z)),
    ("Sigmoid(z)", "z", sigmoid(z)),
    ("relu(z)", "z", Max(0, z)),
    ("ln(1+e^z)", "z", log(1 + exp(z))),
    ("-log(1+exp(-z))", "z", -log(1 + exp(-z))),
    ("z**2 + 2*z", "z", z**2 + 2 * z),  # SymPy syntax is math notation too
    ("Piecewise((z, z > 0), (alpha*(exp(z) - 1), True))", "z", Piecewise((z, z > 0), (alpha * (exp(z) - 1), True))),
]

LATEX = [
    (r"\frac{1}{1+e^{-z}}", 1 / (1 + exp(-z))),
    (r"\tanh(z)", tanh(z)),
    (r"\tanh z", tanh(z)),
    (r"z \cdot \sigma(z)", z * sigmoid(z)),
    (r"\sqrt{1+z^2}", sqrt(1 + z**2)),
    (r"\ln(1 + e^{z})", log(1 + exp(z))),
    (r"\exp(-z)", exp(-z)),
    (r"\left( 1 + e^{-z} \right)^{-1}", 1 / (1 + exp(-z))),
    (r"\max(0, z)", Max(0, z)),
    (r"e^{-z}", exp(-z)),
    (r"\beta z", beta * z),
    (r"\frac{z}{1 + \left| z \right|}", z / (1 + Abs(z))),
    (
        r"\begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & \text{otherwise} \end{cases}",
        Piecewise((z, z > 0), (alpha * (exp(z) - 1), True)),
    ),
]


@pytest.mark.parametrize("text, var, expected", MATH, ids=[m[0] for m in MATH])
def test_math_notation(text, var, expected):
    assert expression(text, var) == expected


@pytest.mark.parametrize("text, expected", LATEX, ids=[t for t, _ in LATEX])
def test_latex_from_slides(text, expected):
    assert expression(text, "z") == expected


def test_latex_words_and_spacing():
    from sympy import erf

    assert expression(r"$\dfrac{1}{2} z \, \operatorname{erf}(z)$", "z") == z * erf(z) / 2
    # LaTeX reads letters one by one (a function is a command, \tanh): ab is a·b, but letters that
    # spell a function are refused, not multiplied (tanh(z) would be t·a·n·h·z)
    assert expression("ab z", "z", notation="latex") == Symbol("a", positive=True) * Symbol("b", positive=True) * z
    with pytest.raises(ParseError, match=r"tanh without a backslash is the letters t·a·n·h: write \\tanh"):
        expression("tanh(z)", "z", notation="latex")
    with pytest.raises(ParseError, match=r"unknown LaTeX command \\foo"):
        expression(r"\foo(z)", "z")


# How an ambiguity is read: decided once, documented in docs/input.md
DECISIONS = [
    ("1/2x", "x", x / 2),  # implicit multiplication is * and /, left to right
    ("sin 2x y", "x", sin(2 * x * y)),  # a function without brackets takes the product after it
    ("sin x cos x", "x", sin(x) * cos(x)),  # ... up to the next function
    ("sin x^2", "x", sin(x**2)),
    ("sin x/2", "x", sin(x) / 2),
    ("sin^2 x", "x", sin(x) ** 2),
    ("e^2x", "x", E**2 * x),  # the exponent is what follows ^ directly
    ("e^-x^2", "x", exp(-(x**2))),
    ("2^x^2", "x", 2 ** (x**2)),
    ("√2z", "z", sqrt(2) * z),
    ("2σ^2 + z", "z", 2 * Symbol("sigma", positive=True) ** 2 + z),  # σ not applied: a parameter
    ("a x + b", "x", a * x + Symbol("b", positive=True)),
    ("ax", "x", a * x),  # an unknown word holding the variable is split
    ("temp*x", "x", Symbol("temp", positive=True) * x),  # any other word is one parameter
    ("0.044715 z", "z", Rational("0.044715") * z),  # decimals are exact
    ("pi z", "z", pi * z),
]


@pytest.mark.parametrize("text, var, expected", DECISIONS, ids=[d[0] for d in DECISIONS])
def test_how_ambiguities_are_read(text, var, expected):
    assert expression(text, var) == expected


def test_e_is_eulers_number_unless_it_is_the_variable():
    e = Symbol("e", real=True)
    assert expression("e^z", "z") == exp(z)
    assert expression("e^2 + E", "e") == e**2 + E
    assert derive("e^2 + e", var="e").variable == e


def test_the_variable_is_chosen_or_asked_for():
    assert derive("1/(1+e^-x)").variable == x
    assert derive("a x + 1").variable == x  # a is no usual variable name
    assert derive("exp(-a*t)").variable.name == "t"
    with pytest.raises(AmbiguousVariableError, match="uses x and y: choose the variable with --var"):
        derive("x^2 + y^2")
    assert derive("x^2 + y^2", var="y").variable.name == "y"


ERRORS = [
    ("1/(1+e^-", 'at column 9: expected a number, a name or "(" for the exponent after "(1+e^-", found the end'),
    ("1/(1+", 'in "1/(1+" at column 6'),
    ("sigmod(z)", "did you mean sigmoid?"),
    ("tanh", "needs an argument"),
    ("|z", "close the absolute value opened at column 1"),
    ("sec^-1 z", "derive knows no inverse of sec"),
    ("sin^-2 z", "sin^-2 is ambiguous"),
    ("z > 0", "is a condition or a list, not an expression"),
    ("z if z else 1", 'expected an operator or the end after "z", found "if"'),
    ("class(z)", "'class' is a Python keyword"),
]


@pytest.mark.parametrize("text, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_say_what_and_where(text, message):
    with pytest.raises(ParseError) as err:
        expression(text, "z")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_errors_name_the_users_variable():
    with pytest.raises(DeriveError, match="does not depend on the variable x"):
        derive("3 + z", var="x")
    result = CliRunner().invoke(main, ["steps", "exp(t)", "--var", "x"])
    assert result.exit_code == 2 and "variable x" in result.stderr


@pytest.mark.parametrize("target", ["-log(1+exp(-z))", "-z^2", "-tanh(z)"])
def test_a_target_beginning_with_minus_needs_no_double_dash(target):
    result = CliRunner().invoke(main, ["steps", target, "--format", "json"])
    assert result.exit_code == 0, result.output
    both = CliRunner().invoke(main, ["steps", "--format", "json", "--", target])
    assert result.output == both.output


def test_the_reading_is_shown():
    import json

    data = json.loads(CliRunner().invoke(main, ["steps", "1/2x", "--format", "json"]).output)
    assert data["input"] == "1/2x" and data["read_as"] == "x/2"
    assert "g(x) = x/2" in CliRunner().invoke(main, ["steps", "1/2x"]).output


def test_no_user_text_reaches_eval_exec_sympify_or_parse_expr(monkeypatch):
    import sympy
    import sympy.parsing.sympy_parser as sympy_parser

    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached an evaluator")

    for module, name in [(builtins, "eval"), (builtins, "exec"), (sympy, "sympify"), (sympy_parser, "parse_expr")]:
        monkeypatch.setattr(module, name, forbidden)
    for text, var, _ in MATH + DECISIONS:
        expression(text, var)
    for text, _ in LATEX:
        expression(text, "z")
    # and the reading modules call none of them
    package = Path(__file__).resolve().parents[2] / "derive"
    readers = sorted((package / "reading").glob("*.py"))  # resolve.py among them
    assert len(readers) >= 8
    for source in readers:
        code = source.read_text()
        assert not re.search(r"(?<![.\w])(eval|exec|sympify|parse_expr|__import__|compile)\s*\(", code), source
