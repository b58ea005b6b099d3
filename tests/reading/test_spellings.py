"""Points 1 and 4 of issue 21: every spelling read as people mean it, or refused in one line; each
conventional reading said in the output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sympy import (
    Heaviside,
    Max,
    Piecewise,
    S,
    Symbol,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cot,
    coth,
    csc,
    csch,
    erf,
    erfc,
    erfinv,
    exp,
    log,
    pi,
    sec,
    sech,
    sqrt,
    tan,
    tanh,
)

from derive import DeriveError, ParseError, UnknownFunctionError, derive
from derive.cli import main
from derive.knowledge import registry
from derive.knowledge.functions import cbrt, logit, sigmoid
from derive.reading import read
from derive.reading.resolve import expression, resolve

x = Symbol("x", real=True)
z = Symbol("z", real=True)
a, b = Symbol("a", positive=True), Symbol("b", positive=True)

SPELLINGS = [
    # inverse functions, by name and as f^{-1} (calculators' reading)
    ("arctanh x", "x", atanh(x)),
    ("artanh(x)", "x", atanh(x)),
    ("arsinh x", "x", asinh(x)),
    ("arcosh(x)", "x", acosh(x)),
    ("arcsin x", "x", asin(x)),
    ("tan^{-1}(x)", "x", atan(x)),
    ("tan^-1 x", "x", atan(x)),
    ("sin^{-1} x", "x", asin(x)),
    ("cos⁻¹(x)", "x", acos(x)),
    (r"\tanh^{-1} x", "x", atanh(x)),
    (r"\sinh^{-1}(x)", "x", asinh(x)),
    (r"\sigma^{-1}(x)", "x", logit(x)),
    ("erf^{-1}(x)", "x", erfinv(x)),
    (r"(\tan x)^{-1}", "x", 1 / tan(x)),  # brackets: the reciprocal
    ("(tan x)^-1", "x", 1 / tan(x)),
    # the reciprocal functions, squared too
    ("sec x", "x", sec(x)),
    ("csc x", "x", csc(x)),
    ("cot x", "x", cot(x)),
    ("sech^2(z)", "z", sech(z) ** 2),
    (r"\operatorname{sech}^2 z", "z", sech(z) ** 2),
    ("csch(z) + coth(z)", "z", csch(z) + coth(z)),
    # logarithms, and functions read as the formulas they compute
    ("log1p(x)", "x", log(1 + x)),
    ("expm1(x)", "x", exp(x) - 1),
    ("log2(x)", "x", log(x) / log(2)),
    ("log10(x)", "x", log(x) / log(10)),
    ("log_2(x)", "x", log(x) / log(2)),
    (r"\log_{2} x", "x", log(x) / log(2)),
    (r"\log_b(x)", "x", log(x) / log(b)),
    ("erfc(x)", "x", erfc(x)),
    (r"\mathrm{erfc}(x)", "x", erfc(x)),
    ("cbrt(x)", "x", cbrt(x)),
    ("∛x", "x", cbrt(x)),
    (r"\sqrt[3]{x}", "x", cbrt(x)),
    # the standard normal CDF and density, as papers write them
    (r"x \Phi(x)", "x", x * (1 + erf(x / sqrt(2))) / 2),
    ("x Phi(x)", "x", x * (1 + erf(x / sqrt(2))) / 2),
    ("normcdf(x)", "x", (1 + erf(x / sqrt(2))) / 2),
    (r"\phi(x)", "x", exp(-(x**2) / 2) / sqrt(2 * pi)),
    ("φ(x)", "x", exp(-(x**2) / 2) / sqrt(2 * pi)),
    ("θ(x) + x", "x", Heaviside(x) + x),
    # the library's entries as papers call them
    ("SiLU(x)", "x", x / (1 + exp(-x))),
    (r"\mathrm{GELU}(x)", "x", x / 2 * (1 + erf(x / sqrt(2)))),
    ("LReLU(x)", "x", Piecewise((x, x > 0), (Symbol("alpha", positive=True) * x, True))),
    (r"\operatorname{ReLU}(x)", "x", Max(0, x)),
    (r"\mathrm{hard\_sigmoid}(x)", "x", Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + S.Half, True))),
    # products stay products: single letters, the variable, Greek letters before a bracket
    ("a(z+1)", "z", a * (z + 1)),
    ("x(1 - x)", "x", x * (1 - x)),
    (r"\alpha(e^z - 1)", "z", Symbol("alpha", positive=True) * (exp(z) - 1)),
    ("temp (x + 1)", "x", Symbol("temp", positive=True) * (x + 1)),  # a space: a parameter times a bracket
    ("2σ^2 + z", "z", 2 * Symbol("sigma", positive=True) ** 2 + z),  # σ not applied: a parameter
]


@pytest.mark.parametrize("text, var, expected", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_each_spelling_reads_as_meant(text, var, expected):
    got = expression(text, var)
    assert got == expected or (got - expected).expand() == 0


REFUSED = [
    ("zeta(z)", "zeta(...) is the Riemann zeta function, which derive does not know"),
    ("gamma(z)", "the gamma function"),
    (r"\Gamma(z)", "the gamma function"),
    ("beta(z)", "the beta function"),
    ("f(z)", "f(...) is a function that is not defined here: write its definition, f(x) = ..."),
    ("g(z)", "g(...) is a function that is not defined here"),
    ("h(z) + 1", "h(...) is a function that is not defined here"),
    ("sigmod(z)", "unknown function 'sigmod'"),
    ("sigmod z", "did you mean sigmoid?"),
    ("sec^-1 z", "derive knows no inverse of sec"),
    ("tan^-2 z", "tan^-2 is ambiguous"),
    (r"\log_{-2} z", "the base of a logarithm must be a positive number"),
    ("zoo*z", "zoo is SymPy's complex infinity"),
    ("exp(z)[0]", "reads as an index"),
    ("tanh(z)", None),  # math notation: fine; the LaTeX case is below
]


@pytest.mark.parametrize("text, message", [r for r in REFUSED if r[1]], ids=[r[0] for r in REFUSED if r[1]])
def test_what_cannot_be_read_surely_is_refused_in_one_line(text, message):
    with pytest.raises(ParseError) as err:
        expression(text, "z")
    assert message in str(err.value) and "\n" not in str(err.value)
    result = CliRunner().invoke(main, ["steps", text])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_latex_letters_that_spell_a_function_are_refused():
    with pytest.raises(ParseError, match=r"tanh without a backslash is the letters t·a·n·h: write \\tanh"):
        expression("tanh(z) + 1", "z", notation="latex")
    assert expression(r"\tanh(z)", "z") == tanh(z)


def test_an_unknown_function_is_suggested_its_nearest_name():
    with pytest.raises(UnknownFunctionError, match="did you mean softplus"):
        expression("softpuls(z)", "z")


CONVENTIONS = [
    ("tan^{-1}(x)", "tan^-1 as arctan, the inverse function"),
    (r"\tanh^{-1}(x)", "tanh^-1 as artanh"),
    ("x Phi(x)", "Φ(u) as the standard normal CDF"),
    (r"\phi(x)", "φ(u) as the standard normal density"),
    ("theta(x) + x", "θ(u) as the Heaviside step"),
    ("log1p(x^2)", "log1p(u) as log(1 + u)"),
    ("log_2(1 + x^2)", "log_2(u) as log(u)/log(2)"),
]


@pytest.mark.parametrize("text, said", CONVENTIONS, ids=[c[0] for c in CONVENTIONS])
def test_each_conventional_reading_is_one_line_of_the_output(text, said):
    assert any(said in c for c in resolve(text).conventions)
    shown = CliRunner().invoke(main, ["steps", text]).output
    lines = [line for line in shown.splitlines() if said in line]
    assert len(lines) == 1 and lines[0].startswith("note: read ")
    data = json.loads(CliRunner().invoke(main, ["steps", text, "--format", "json"]).output)
    assert any(said in c for c in data["conventions"])
    latex = CliRunner().invoke(main, ["steps", text, "--format", "latex", "--standalone"]).output
    assert "Note: read " in latex


def test_unconventional_spellings_add_no_line():
    assert resolve("tanh(z)").conventions == () and resolve("sigmoid").conventions == ()
    assert "note: read" not in CliRunner().invoke(main, ["steps", "1/(1+e^-x)"]).output


@pytest.mark.parametrize(
    "entry", [e for e in registry.FUNCTIONS if e.spelled], ids=lambda e: e.name
)  # every registry spelling with a line of its own says it
def test_every_spelled_name_says_how_it_was_read(entry):
    for name, line in entry.spelled:
        assert line in read(f"{name}(z + 1)", "z").conventions, name


def test_a_name_directly_before_a_bracket_is_applied_or_refused_never_multiplied():
    # what issue 21 found read as products: each is now applied, or refused
    assert expression("phi(z)", "z") == exp(-(z**2) / 2) / sqrt(2 * pi)
    for text in ("f(z)", "zeta(z)", "gamma(z)", "csc(z) + psi(z)", "foo(z)"):
        with pytest.raises(ParseError):
            expression(text, "z")
    assert expression("csc x", "x") == csc(x) and expression("sigma(z)", "z") == sigmoid(z)


def test_a_misreading_the_issue_found_now_proves_the_right_function():
    assert derive("arctanh x").function.body == atanh(x)  # not atan(h·x)
    assert derive("sech^2(z)").function.body == sech(z) ** 2
    with pytest.raises(DeriveError):
        derive("zeta(z)")
    assert cos(x) == expression("cos x", "x")
