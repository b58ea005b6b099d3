"""The chain rule shown (issue 13, point 1): f(u) with u not the bare variable gets the line f'(u)·d/dz(u),
d/dz(u) left unevaluated, and the next line evaluates it, also when u is linear."""

from __future__ import annotations

import pytest
from sympy import Derivative

from derive import derive
from derive.engine.board import evaluate, strip_groups

COMPOSITIONS = [
    ("sigmoid(3z)", "3*z"),
    ("tanh(2z/3)", "2*z/3"),
    ("atan(pi z/2)", "pi*z/2"),
    ("erf(z/sqrt(2))", "sqrt(2)*z/2"),
    ("exp(z^2)", "z**2"),
    ("log(1 + z^2)", "z**2 + 1"),
    ("sin(z^2 + z)", "z**2 + z"),
    ("softplus(2z)", None),  # a library function inside: written out, chained through its own pieces
]


@pytest.mark.parametrize("text, inner", COMPOSITIONS, ids=[c[0] for c in COMPOSITIONS])
def test_the_chain_rule_line_keeps_the_inner_derivative(text, inner):
    d = derive(text)  # and every step is proved: derive() raises otherwise
    lines = [strip_groups(s.expr) for s in d.steps if s.quantity == "g'"]
    chained = [i for i, s in enumerate(d.steps) if s.quantity == "g'" and "chain" in s.rules]
    assert chained, [s.rules for s in d.steps]
    first = lines[0]
    assert first.has(Derivative), first  # d/dz(u) left as it is on the chain rule's line
    if inner is not None:
        assert any(str(evaluate(dv.expr)) == inner for dv in first.atoms(Derivative)), first
    assert not lines[-1].has(Derivative)  # and evaluated afterwards
    assert all(a != b for a, b in zip(lines, lines[1:], strict=False))  # no line repeats the one before
