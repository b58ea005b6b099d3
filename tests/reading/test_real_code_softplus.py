"""Issue 30: PyTorch's softplus threshold, read as the function the code computes.

``F.softplus(x, beta, threshold)`` returns x where β·x > threshold, log(1 + e^(βx))/β elsewhere.  derive reads that
piece unless no float32 value could see it (threshold ≥ 24·ln 2 ≈ 16.64, THRESHOLD_UNSEEN), and only then says
"the threshold changes no float32 value".  The tests compare derive's function and derivative with PyTorch's own
values and autograd, and check the bound itself.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy
import torch
from sympy import Symbol

from derive import derive
from derive.knowledge.activations import THRESHOLD_UNSEEN
from derive.reading.code import read_code

x = Symbol("x", real=True)
POINTS = [-3.0, -0.5, 0.0, 0.9, 1.4, 1.49, 1.51, 1.6, 2.0, 4.0, 9.0]


def value(expr: sympy.Expr, at: float) -> float:
    return float(sympy.N(expr.subs(x, sympy.Float(at, 30)), 20))


def torch_value_and_slope(at: float, beta: float, threshold: float) -> tuple[float, float]:
    t = torch.tensor([at], dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.softplus(t, beta=beta, threshold=threshold)
    (slope,) = torch.autograd.grad(y.sum(), t)
    return y.detach()[0].item(), slope[0].item()


@pytest.mark.parametrize(
    "text", ["F.softplus(x, beta=2, threshold=3)", "F.softplus(x, 2, 3)", "nn.Softplus(beta=2, threshold=3)(x)"]
)
def test_a_low_threshold_is_a_piece_of_its_own(text):
    reading = read_code(text, "x")
    assert any("as the input itself where β·x > 3" in c for c in reading.conventions), reading.conventions
    d = derive(text, "x")
    for at in POINTS:
        if at == 1.5:
            continue  # the break: the code's function jumps there
        theirs, slope = torch_value_and_slope(at, 2.0, 3.0)
        assert value(d.function.body, at) == pytest.approx(theirs, rel=1e-12), at
        assert value(d.derivative, at) == pytest.approx(slope, rel=1e-10), at


def test_the_issue_s_misreading_is_gone():
    """β = 2, threshold = 3: PyTorch returns x for x > 1.5, where log(1 + e^(2x))/2 differs by 0.008."""
    d = derive("F.softplus(x, beta=2, threshold=3)", "x")
    assert value(d.function.body, 2.0) == 2.0
    assert value(d.derivative, 2.0) == 1.0


def test_the_default_threshold_is_said_only_because_float32_cannot_see_it():
    reading = read_code("F.softplus(x)", "x")
    assert reading.expr == sympy.log(1 + sympy.exp(x))
    assert any("changes no float32 value" in c for c in reading.conventions), reading.conventions
    assert 20.0 >= THRESHOLD_UNSEEN


@pytest.mark.parametrize("threshold", [THRESHOLD_UNSEEN, 17.0, 20.0, 30.0])
def test_past_an_unseen_threshold_the_formula_and_x_round_alike_in_float32(threshold):
    """The bound: with u = β·x > t ≥ 24·ln 2, log(1 + e^(-u))/u (the value's relative gap) and σ(-u) (the
    derivative's gap) are below 2^-24, float32's relative rounding."""
    for k in range(200):
        u = mpmath.mpf(threshold) + mpmath.mpf(k) / 8
        assert mpmath.log1p(mpmath.exp(-u)) / u < mpmath.mpf(2) ** -24
        assert 1 / (1 + mpmath.exp(u)) < mpmath.mpf(2) ** -24


def test_below_the_bound_float32_sees_the_threshold():
    """At threshold 16, the derivative's gap σ(-u) just past it exceeds float32's 2^-24: a piece of its own."""
    assert 1 / (1 + math.exp(16.0)) > 2.0**-24
    reading = read_code("F.softplus(x, threshold=16)", "x")
    assert reading.expr.has(sympy.Piecewise)
    ours = read_code("F.softplus(x, threshold=17)", "x")
    assert not ours.expr.has(sympy.Piecewise)
    # PyTorch in float32 at 17 < x: its x, and the formula's value rounded to float32, are the same float
    for at in (17.5, 18.0, 25.0):
        t = torch.tensor([at], dtype=torch.float32, requires_grad=True)
        y = torch.nn.functional.softplus(t, threshold=17.0)
        (slope,) = torch.autograd.grad(y.sum(), t)
        exact = mpmath.log1p(mpmath.exp(at))
        assert y.detach()[0].item() == float(torch.tensor(float(exact), dtype=torch.float32))
        assert float(slope[0]) == float(torch.tensor(float(1 / (1 + mpmath.exp(-at))), dtype=torch.float32))
