"""The output form g' = F(g), found by algorithm for functions no table names."""

from __future__ import annotations

import pytest
from sympy import Symbol, simplify, sympify

from derive import derive
from derive.output_form import G

a = Symbol("a", positive=True)

CASES = [
    ("sigmoid", G * (1 - G)),
    ("tanh", 1 - G**2),
    ("1/(1+exp(-a*z))", a * G * (1 - G)),  # a constant inside
    ("exp(z)/(1+exp(z))", G * (1 - G)),  # another way of writing sigma
    ("1/(1+exp(-(z-c)))", G * (1 - G)),  # a shift
    ("2/(1+exp(-2*z)) - 1", 1 - G**2),  # tanh written through sigma
    ("(exp(2*z)-1)/(exp(2*z)+1)", 1 - G**2),
    ("3/(1+exp(-z))", G * (1 - G / 3)),
    ("softplus", 1 - sympify("exp(-g)", locals={"g": G})),
    ("exp", G),
    ("exp(2*z)", 2 * G),
]


@pytest.mark.parametrize("target, expected", CASES)
def test_output_form_found(target, expected):
    d = derive(target)
    assert d.output_form is not None
    assert simplify(d.output_form - expected) == 0
    assert d.steps[-1].rules == ("output form",)


@pytest.mark.parametrize("target", ["swish", "gaussian", "z*tanh(log(1+exp(z)))"])
def test_no_output_form_is_none(target):
    assert derive(target).output_form is None


def test_lecture_form_is_written_as_people_write_it():
    assert str(derive("sigmoid").output_form) == "g*(1 - g)"
    assert str(derive("tanh").output_form) == "1 - g**2"
