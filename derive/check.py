"""Proving that every step equals its quantity: symbolically first, numerically when SymPy cannot decide.

A step ``q = expr`` is proved by showing expr - q = 0, where expr is the
step's board expression with g(z) replaced by the function's definition and
its unevaluated derivatives carried out.  The symbolic tactics run from
cheap to costly; the first that reaches 0 is recorded as the proof.  When
none does, the difference is evaluated with mpmath at random points of the
real line, away from the points where a piece of the function changes.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sympy import Expr, Piecewise, Symbol, cancel, expand, lambdify, simplify, solve, together
from sympy.core.relational import Relational

from derive import board


@dataclass(frozen=True)
class Proof:
    """How a step was proved: ``method`` is 'symbolic' or 'numeric' (or 'failed')."""

    method: str
    detail: str

    @property
    def ok(self) -> bool:
        return self.method != "failed"

    def __str__(self) -> str:
        return f"{self.method}: {self.detail}"


def _exp_rational(d: Expr) -> Expr:
    return cancel(together(d.rewrite("exp")))


TACTICS: tuple[tuple[str, Callable[[Expr], Expr]], ...] = (
    ("identical after evaluation", lambda d: d),
    ("expand", expand),
    ("cancel", lambda d: cancel(together(d))),
    ("rewrite in exponentials, cancel", _exp_rational),
    ("simplify", simplify),
)


def step_value(expr: Expr, definitions: Mapping[Expr, Expr]) -> Expr:
    """The canonical value of a step's expression: brackets gone, g(z) defined, d/dz carried out."""
    return board.evaluate(board.strip_groups(expr)).xreplace(dict(definitions)).doit()


def prove_equal(lhs: Expr, rhs: Expr, var: Symbol, points: int = 30, digits: int = 50) -> Proof:
    """A proof that lhs = rhs as functions of var, or a failure with where they differ."""
    difference = lhs - rhs
    for name, tactic in TACTICS:
        try:
            if tactic(difference) == 0:
                return Proof("symbolic", name)
        except (NotImplementedError, TypeError, ValueError, RecursionError):
            continue
    return _numeric(difference, var, points, digits)


def _numeric(difference: Expr, var: Symbol, points: int, digits: int) -> Proof:
    import mpmath

    params = sorted(difference.free_symbols - {var}, key=str)
    f = lambdify([var, *params], difference, modules="mpmath")
    rng = random.Random(1)
    kinks = _kinks(difference, var)
    worst = mpmath.mpf(0)
    tried = used = 0
    with mpmath.workdps(digits):
        tolerance = mpmath.mpf(10) ** (-(digits * 2 // 3))
        while used < points and tried < points * 10:
            tried += 1
            z0 = mpmath.mpf(rng.uniform(-6, 6))
            if any(abs(z0 - k) < 1e-3 for k in kinks):
                continue
            values = [mpmath.mpf(rng.uniform(0.5, 2.0)) for _ in params]
            try:
                value = f(z0, *values)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if not mpmath.isfinite(value):
                continue
            used += 1
            err = abs(value)
            worst = max(worst, err)
            if err > tolerance:
                return Proof("failed", f"differs by {mpmath.nstr(err, 5)} at {var} = {mpmath.nstr(z0, 15)}")
    if used < points:
        return Proof("failed", f"only {used} of {points} points could be evaluated")
    return Proof("numeric", f"{used} points, {digits} digits, worst difference {mpmath.nstr(worst, 3)}")


def _kinks(e: Expr, var: Symbol) -> list[float]:
    """Where a piece of a piecewise expression changes: sampling stays away from these."""
    out: list[float] = []
    for pw in e.atoms(Piecewise):
        for _, cond in pw.args:
            for rel in [cond, *cond.atoms(Relational)]:
                if isinstance(rel, Relational) and rel.has(var):
                    try:
                        out.extend(float(r) for r in solve(rel.lhs - rel.rhs, var) if r.is_real)
                    except (NotImplementedError, TypeError):
                        pass
    return out
