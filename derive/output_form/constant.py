"""A constant slope: g' = c is its own output form, F(g) = c (softplus(z) - softplus(-z) is z: g' = 1)."""

from __future__ import annotations

import mpmath
from sympy import Expr, Symbol, cancel, exp, simplify, together

from derive.engine.compute import compiled, real_at
from derive.output_form.method import Method

MAX_NODES = 200
"""simplify is bounded by the size of what it simplifies."""

POINTS = ("-2.1", "-0.35", "0.3", "1.7")
"""Where g' is compared with itself first: a slope that changes there is not constant, at no cost."""


def constant_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    """g' itself when it does not depend on the variable once its fractions are combined."""
    if not derivative.has(var):
        return [derivative]
    if not _looks_constant(derivative, var):
        return []
    combined = cancel(together(derivative.rewrite(exp)))
    if not combined.has(var):
        return [combined]
    simplest = simplify(combined)
    return [simplest] if not simplest.has(var) else []


def _looks_constant(derivative: Expr, var: Symbol) -> bool:
    values = dict.fromkeys(derivative.free_symbols - {var}, 1)
    f = compiled(derivative.subs(values), var, "mpmath")
    with mpmath.workdps(30):
        found = [v for v in (real_at(f, mpmath.mpf(x)) for x in POINTS) if v is not None]
    return len(found) >= 2 and all(abs(v - found[0]) <= mpmath.mpf(10) ** -20 * (1 + abs(found[0])) for v in found)


METHOD = Method("constant slope", constant_candidates, max_nodes=MAX_NODES)
