"""Issue 31 point 7: softmax, glu and the other vector functions named where an activation stands are
refused as vector functions in one line, never read as something else: before, softmax(z) was read as
s·o·f·t·max(z) = s·o·f·t·z, log_softmax(z) as a logarithm to the base softmax, and
\\operatorname{softmax}(z) as a parameter softmax times z."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import exp, log, simplify

from derive import derive
from derive.cli import main
from derive.errors import DeriveError
from derive.knowledge.spellings import VECTOR_FUNCTIONS

SPELLINGS = ["{}(z)", "{}", "{}(x)", "\\operatorname{{{}}}(z)", "\\mathrm{{{}}}(z)", "\\text{{{}}}(z)"]


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("name", ["softmax", "Softmax", "log_softmax", "glu", "maxout", "sparsemax", "softmin"])
def test_a_vector_function_is_refused_as_such(name, spelling):
    text = spelling.format(name)
    with pytest.raises(DeriveError) as caught:
        derive(text)
    message = str(caught.value)
    assert "vector function" in message or "unknown function" in message, message
    assert "\n" not in message


@pytest.mark.parametrize("name", sorted(VECTOR_FUNCTIONS))
def test_every_listed_vector_function_is_refused_in_plain_text(name):
    with pytest.raises(DeriveError, match="vector function: derive differentiates functions of one variable"):
        derive(f"{name}(z)")


def test_the_cli_says_it_in_one_line_with_exit_2():
    result = CliRunner().invoke(main, ["steps", "softmax(z)"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "softmax is a vector function" in lines[0] and "column 1" in lines[0]


def _products():
    return [
        ("axe^x", "x", lambda s: s["a"] * s["x"] * exp(s["x"])),  # one letter of a product stays a product
        ("2xe^x", "x", lambda s: 2 * s["x"] * exp(s["x"])),
        ("\\log_b(z)", "z", lambda s: log(s["z"]) / log(s["b"])),
        ("log_2(z)", "z", lambda s: log(s["z"]) / log(2)),
    ]


@pytest.mark.parametrize(("text", "var", "meaning"), _products())
def test_words_that_are_products_still_read(text, var, meaning):
    body = derive(text, var=var).function.body
    names = {s.name: s for s in body.free_symbols}
    assert simplify(body - meaning(names)) == 0


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.text(alphabet="abcdfghijklmnopqrstuvwy", min_size=2, max_size=4),
    st.sampled_from(["max", "sin", "exp", "tanh", "log"]),
)
def test_letters_before_a_function_are_never_read_as_several_parameters(letters, function):
    # s·o·f·t·max: a word derive does not know is refused, not read as letters times a function
    word = letters + function
    try:
        d = derive(f"{word}(z)")
    except DeriveError:
        return
    body = d.function.body
    # a·asin(z) is one letter's product; s·o·f·t·max(z), several letters taken as parameters, is not a reading
    assert len([s for s in body.free_symbols if len(s.name) == 1 and s.name in letters]) <= 1, (word, body)


@pytest.mark.parametrize("text", ["x * (x > 0)", "(x>0)*x", "x*(x>0) + 0.1*x*(x<=0)", "-(x>0)", "(x>0)^2", "2^(x>0)"])
def test_a_comparison_used_as_a_number_is_refused_in_one_line_in_math(text):
    # before: a TypeError from SymPy, reported as "a bug in derive"; code reads it as an Iverson bracket
    result = CliRunner().invoke(main, ["steps", text])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "a comparison used as a number" in lines[0] and "column" in lines[0]


def test_the_same_text_as_code_is_the_bracket_it_writes():
    from sympy import Piecewise, Symbol

    d = derive("x * (x > 0)", notation="code")
    x = Symbol("x", real=True)
    body = d.function.body.subs(d.variable, x)
    for at in (-2, -0.5, 0.5, 3):
        assert body.subs(x, at) == Piecewise((x, x > 0), (0, True)).subs(x, at)
