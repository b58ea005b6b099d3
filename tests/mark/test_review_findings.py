"""Derivations a reviewer wrote in styles not in our corpus (a condition after a claim, a remark after a
line, a bullet list, a function letter like p, a bracket closing d/dx's operand): right lines are never
marked wrong, and a function given by pieces is never taken for its first piece."""

from __future__ import annotations

import pytest
from sympy import Piecewise, Symbol, exp

from derive.errors import DeriveError
from derive.mark.marking import WRONG, mark
from derive.proof import prover

RIGHT_DERIVATIONS = {
    "pieces on lines, conditions after": "f(x) = x for x > 0\nf(x) = 0.01x for x <= 0\nf'(x) = 1 for x > 0\n"
    "f'(x) = 0.01 for x <= 0",
    "relu's slopes with when": "g(z) = max(0, z)\ng'(z) = 0 when z < 0\ng'(z) = 1 when z > 0",
    "one slope for a side": "g(z) = max(0, z)\ng'(z) = 1 for z > 0",
    "a condition in brackets": "g(z) = max(0, z)\ng'(z) = 1 (z > 0)",
    "a condition after a quad": "f(x) = \\begin{cases} x & \\text{if } x \\ge 0 \\\\ 0.01x & \\text{if } x < 0 "
    "\\end{cases}\nf'(x) = 0.01 \\quad (x < 0)",
    "a thin space in a chain": "\\phi(t) = e^{-t^{2}}\n\\phi'(t) = -2t\\,e^{-t^{2}} = -2t\\,\\phi(t)",
    "brackets closing d/dx": "f(x) = x\\sigma(x)\nf'(x) = \\frac{d}{dx}\\left[x\\right]\\sigma(x) + "
    "x\\frac{d}{dx}\\left[\\sigma(x)\\right]\n"
    "= \\sigma(x) + x\\sigma(x)\\left[1-\\sigma(x)\\right] \\qquad \\blacksquare",
    "a remark after a line": "\\sigma(x) = (1+e^{-x})^{-1}\n\\sigma'(x) = (1+e^{-x})^{-2}e^{-x} \\approx 0.25 "
    "\\text{ at } x = 0\n= \\sigma(x)\\,\\frac{e^{-x}}{1+e^{-x}}",
    "a bullet list": "- y = tanh(x)\n- y' = sech^2(x)\n- y' = (1 - tanh(x))(1 + tanh(x))",
    "the letter p": "p(t) = 1/(1+e^{-t})\np'(t) = e^{-t}/(1+e^{-t})^2",
}


@pytest.mark.parametrize("name", list(RIGHT_DERIVATIONS))
def test_no_right_line_is_marked_wrong(name):
    try:
        marking = mark(None, RIGHT_DERIVATIONS[name])
    except DeriveError as exc:  # a clear refusal is honest; a wrong mark is not
        assert "\n" not in str(exc)
        return
    wrong = [(line.number, line.text, line.reason) for line in marking.lines if line.verdict == WRONG]
    assert not wrong, wrong


@pytest.mark.parametrize("name", ["a bullet list", "the letter p", "a remark after a line"])
def test_these_define_their_function(name):
    marking = mark(None, RIGHT_DERIVATIONS[name])
    assert marking.lines and not any(line.verdict == WRONG for line in marking.lines)


def test_a_function_by_pieces_on_one_line_is_never_its_first_piece():
    x = Symbol("x", real=True)
    leaky = Piecewise((x, x > 0), (x / 100, True))
    for text in (
        "f(x) = x for x > 0, 0.01x for x <= 0\nf'(x) = 1 for x > 0, 0.01 for x <= 0",
        "f(x) = x for x > 0\nf(x) = 0.01x for x <= 0\nf'(x) = 1 for x > 0",
    ):
        try:
            marking = mark(None, text)
        except DeriveError:
            continue
        body = marking.derivation.function.body.subs(marking.derivation.variable, x)
        assert prover.prove_equal(body, leaky, x, domain=leaky).ok, body


def test_a_wrong_piece_is_never_accepted():
    text = "f(x) = x for x > 0, 0.01x for x <= 0\nf'(x) = 1 for x > 0, 5 for x <= 0"
    try:
        marking = mark(None, text)
    except DeriveError:
        return
    assert not marking.all_right


def test_a_derivation_of_sigmoid_in_p_is_marked_against_sigmoid():
    marking = mark("sigmoid", RIGHT_DERIVATIONS["the letter p"])
    t = marking.derivation.variable
    assert prover.prove_equal(marking.derivation.function.body, 1 / (1 + exp(-t)), t).ok
