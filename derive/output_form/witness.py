"""Proof that no output form exists: two inputs with one output and two slopes.

No F exists when g is not injective and takes one value at z1 ≠ z2 with different slopes: then
F(g(z1)) would need two values.  The witness is found numerically (a turning point of g on a grid
of [-8, 8], then a second input with the same output, by bisection at 40 digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
from sympy import Expr, Symbol

from derive.engine.compute import EVALUATION_ERRORS, compiled, real_at, real_number
from derive.engine.reasons import Reason

DIGITS = 4
"""Significant digits of a witness's numbers as written in a reason."""


@dataclass(frozen=True)
class Witness:
    """g(z1) = g(z2) but g'(z1) ≠ g'(z2): no F can give both slopes."""

    z1: mpmath.mpf
    z2: mpmath.mpf
    value: mpmath.mpf
    slope1: mpmath.mpf
    slope2: mpmath.mpf
    parameters: str

    def reason(self) -> Reason:
        from derive.knowledge.symbols import SLOPE, G

        def n(x: mpmath.mpf) -> str:  # for people: 4 significant digits (the witness itself keeps all of them)
            return mpmath.nstr(x, DIGITS)

        return Reason.of(
            f"{{g}} is not injective: {{g}}({n(self.z1)}) = {{g}}({n(self.z2)}) = {n(self.value)}, "
            f"but {{dg}} is {n(self.slope1)} at the first and {n(self.slope2)} at the second{self.parameters}",
            g=G,
            dg=SLOPE,
        )


def non_injective_witness(body: Expr, derivative: Expr, var: Symbol) -> Witness | None:
    """Two inputs with one output and two slopes, when g turns back on itself on [-8, 8].

    Only where g is real: log(z), sqrt(z) or atanh(z) are complex on part of the grid, and a
    change of sign across a pole (atanh' at ±1) is no turn; a turn whose witness would leave
    g's real domain is skipped.
    """
    params = sorted(body.free_symbols - {var}, key=str)
    values = dict.fromkeys(params, 1)
    g = compiled(body.subs(values), var, "mpmath")
    dg = compiled(derivative.subs(values), var, "mpmath")
    fast_dg = compiled(derivative.subs(values), var, "math")
    note = f" (with {', '.join(f'{p} = 1' for p in params)})" if params else ""

    def point(i: int):  # a grid that misses the round numbers where slopes vanish exactly (z = 0)
        return mpmath.mpf(-8) + (i + mpmath.mpf("0.37")) / 20

    # the slopes' signs in floats, with mpmath only where floats fail; the witness itself at 40 digits
    grid = [-8 + (i + 0.37) / 20 for i in range(320)]  # point(i) in floats: 320 mpf divisions cost more
    slopes = [_real_or_none(fast_dg, dg, x) for x in grid]
    turns = [
        i
        for i in range(len(grid) - 1)
        if slopes[i] is not None and slopes[i + 1] is not None and slopes[i] * slopes[i + 1] < 0
    ]
    with mpmath.workdps(40):
        for i in sorted(turns, key=lambda i: abs(grid[i])):
            try:
                witness = _witness_at(g, dg, point(i), point(i + 1), note)
            except EVALUATION_ERRORS:
                continue  # a pole, or the real domain ends before the other side
            if witness is not None:
                return witness
    return None


def _witness_at(g, dg, left, right, note: str) -> Witness | None:
    """z1 before and z2 after the turn in [left, right] with g(z1) = g(z2) and different slopes."""
    turn = _bisect(lambda x: _real(dg(x)), left, right)
    for step in (mpmath.mpf("0.5"), mpmath.mpf("-0.5")):
        z1 = turn - step
        target = _real(g(z1))
        z2 = _other_side(lambda x, target=target: _real(g(x)) - target, turn, step)
        if z2 is not None and abs(_real(dg(z1)) - _real(dg(z2))) > mpmath.mpf("1e-6"):
            return Witness(z1, z2, target, dg(z1), dg(z2), note)
    return None


def _real(value):
    """value as a finite real, or ValueError: the caller left g's real domain."""
    number = real_number(value)
    if number is None:
        raise ValueError("not a finite real")
    return number


def _real_or_none(fast, exact, x: float):
    """The slope at x as a real number, or None where g' is not real (outside g's real domain)."""
    try:
        value = fast(x)
        return value if isinstance(value, float) and math.isfinite(value) else None
    except EVALUATION_ERRORS:
        pass
    with mpmath.workdps(40):
        return real_at(exact, mpmath.mpf(x))


def _bisect(f, a, b):
    fa = f(a)
    for _ in range(140):
        m = (a + b) / 2
        fm = f(m)
        if fa * fm <= 0:
            b = m
        else:
            a, fa = m, fm
    return (a + b) / 2


def _other_side(h, turn, step):
    """A root of h beyond the turning point, on the side away from z1 = turn - step."""
    direction = 1 if step > 0 else -1
    x_prev = turn + direction * mpmath.mpf("1e-6")
    for k in range(1, 400):
        x = turn + direction * mpmath.mpf(k) / 20
        if h(x_prev) * h(x) <= 0:
            return _bisect(h, x_prev, x)
        x_prev = x
    return None
