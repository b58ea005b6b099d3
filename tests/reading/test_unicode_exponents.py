"""Exponents typed with Unicode's modifier letters, as docs/input.md promises (eˣ, e⁻ᶻ): read as the
exponent they spell (before, 'unexpected character ˣ')."""

from __future__ import annotations

import pytest
from sympy import Symbol, exp, simplify

from derive import derive
from derive.errors import DeriveError

z, x, t = (Symbol(n, real=True) for n in "zxt")


@pytest.mark.parametrize(
    ("text", "var", "meaning"),
    [
        ("1/(1+e⁻ᶻ)", "z", 1 / (1 + exp(-z))),
        ("eˣ", "x", exp(x)),
        ("xeˣ", "x", x * exp(x)),
        ("2ᵗ", "t", 2**t),
        ("e⁻²ᵗ", "t", exp(-2 * t)),
        ("z²", "z", z**2),
        ("(eᶻ - e⁻ᶻ)/(eᶻ + e⁻ᶻ)", "z", (exp(z) - exp(-z)) / (exp(z) + exp(-z))),
    ],
)
def test_a_unicode_exponent_reads_as_written(text, var, meaning):
    d = derive(text, var=var)
    v = Symbol(var, real=True)
    assert simplify(d.function.body.subs(d.variable, v) - meaning) == 0


@pytest.mark.parametrize("text", ["e⁻", "z⁻⁻²"])
def test_a_superscript_with_nothing_to_raise_is_refused_in_one_line(text):
    with pytest.raises(DeriveError) as caught:
        derive(text, var="z")
    assert "\n" not in str(caught.value)
