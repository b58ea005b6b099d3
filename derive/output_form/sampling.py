"""g and g' sampled once, and the test every candidate F passes before it is kept: F(g(z)) = g'(z) there."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import mpmath
from sympy import Expr, Rational, Symbol

from derive.engine.compute import compiled, real_at
from derive.knowledge.symbols import G

SAMPLE_DIGITS = 30


@dataclass(frozen=True)
class Samples:
    """g and g' at points spread over an interval, computed once for all the candidates tried."""

    var: Symbol
    parameters: dict
    points: tuple[tuple[Any, Any], ...] | None  # (g(z0), g'(z0)) as mpmath numbers; None where g cannot be evaluated


def sample(
    body: Expr, derivative: Expr, var: Symbol, interval: tuple[float, float] = (-3.0, 3.0), seed: int = 0
) -> Samples:
    """g and g' at 12 points of the interval where both are real, at 30 digits, parameters in [0.5, 2].

    Points outside g's real domain (z < 0 for log z) are passed over; fewer than 6 real points
    in 48 draws, and there is nothing to test a candidate against.  Another ``seed`` draws other
    points and other parameters.
    """
    lo, hi = interval
    rng = random.Random(seed)
    parameters = {s: Rational(rng.randint(5, 20), 10) for s in sorted(body.free_symbols - {var}, key=str)}
    # compiled once to mpmath: far cheaper than subs().evalf() at every point
    g = compiled(body.subs(parameters), var, "mpmath")
    dg = compiled(derivative.subs(parameters), var, "mpmath")
    points = []
    with mpmath.workdps(SAMPLE_DIGITS):
        for _ in range(48):
            z0 = mpmath.mpf(rng.randint(int(lo * 1000) + 1, int(hi * 1000) - 1)) / 1000
            g0, want = real_at(g, z0), real_at(dg, z0)
            if g0 is not None and want is not None:
                points.append((g0, want))
            if len(points) == 12:
                break
    return Samples(var, parameters, tuple(points) if len(points) >= 6 else None)


def holds(candidate: Expr, samples: Samples) -> bool:
    """F(g(z)) = g'(z) at the sampled points (a filter; the checker proves it)."""
    if samples.points is None or candidate.has(samples.var):
        return False
    if candidate.free_symbols - {G} - set(samples.parameters):
        return False
    f = compiled(candidate.subs(samples.parameters), G, "mpmath")
    with mpmath.workdps(SAMPLE_DIGITS):
        for g0, want in samples.points:
            have = real_at(f, g0)
            if have is None or abs(have - want) > mpmath.mpf("1e-20") * (1 + abs(want)):
                return False
    return True
