"""A piecewise condition read as the set of reals where it holds: derive's quick reading of plain
comparisons against SymPy's solver, which it replaces there (SymPy's takes a tenth of a second)."""

from __future__ import annotations

import pytest
from sympy import And, Eq, Not, Or, Rational, S, Symbol, pi, sqrt

from derive.engine.piecewise import condition_set

z = Symbol("z", real=True)


@pytest.mark.parametrize(
    "condition",
    [
        z > 0,
        z >= -3,
        z < Rational(1, 2),
        z <= 6,
        0 < z,  # the variable on the right
        sqrt(2) >= z,
        And(z > 0, z < 6),
        Or(z <= -3, z >= 3),
        Not(z > 1),
        And(Or(z < -1, z > 1), z < pi),
        Eq(z, 0),  # not a comparison it reads: SymPy's as_set
        z**2 < 4,  # nor this one
        S.true,
        S.false,
    ],
)
def test_the_set_is_the_one_sympy_solves_for(condition):
    # (SymPy's set for "true" is the universal set: here the variable is a real)
    assert condition_set(condition) == condition.as_set().intersect(S.Reals)
