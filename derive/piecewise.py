"""Piecewise functions in one place: their pieces and intervals, the points where a piece changes, kinks.

The verdict reads g piece by piece (``pieces``) and names its kinks (``kinks``); the checker proves
a piecewise line interval by interval between its ``breakpoints`` (``branch_at`` picks the piece)
and keeps its random points away from them (``condition_roots``); the rules differentiate Max and
Min through their pieces (``rewritten``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import (
    Eq,
    Expr,
    Interval,
    Piecewise,
    S,
    Symbol,
    diff,
    piecewise_fold,
    simplify,
)
from sympy.core.relational import Relational

from derive import registry
from derive.compute import solutions
from derive.reasons import Reason


def rewritten(expr: Expr) -> Expr:
    """Max, Min, Abs, sign and Heaviside written as Piecewise (not folded)."""
    return expr.rewrite(Piecewise)


def as_piecewise(body: Expr) -> Expr:
    """g with its corners (|u|, max, min) written as one top-level Piecewise (g itself when it has none).

    Jumps (sign, Heaviside) stay whole: their value at the jump is a piece of its own, on no interval.
    """
    if body.has(Piecewise, *registry.by_pieces("corners")):
        return piecewise_fold(rewritten(body))
    return body


def pieces(pw: Piecewise) -> list[tuple[Expr, object]]:
    """Each piece with the set of the line where it applies (conditions read in order)."""
    taken = S.EmptySet
    out = []
    for expr, cond in pw.args:
        where = (cond.as_set() if cond is not S.true else S.Reals) - taken
        taken = taken | where
        if where is not S.EmptySet:
            out.append((expr, where))
    return out


@dataclass(frozen=True)
class Kink:
    """A point where g is not differentiable, with its one-sided derivatives."""

    var: Symbol
    at: Expr
    left: Expr
    right: Expr

    def reason(self) -> Reason:
        return Reason.of(
            "not differentiable at {point} (derivative {left} from the left, {right} from the right)",
            point=Eq(self.var, self.at, evaluate=False),
            left=self.left,
            right=self.right,
        )


def kinks(parts: list[tuple[Expr, Interval]], var: Symbol) -> tuple[Kink, ...]:
    """Where neighbouring pieces meet with a jump or with different one-sided derivatives."""
    out = []
    parts = sorted(parts, key=lambda p: float(p[1].start))
    for (left, lw), (right, rw) in zip(parts, parts[1:], strict=False):
        at = lw.end
        if at != rw.start or not at.is_finite:
            continue
        dl, dr = diff(left, var).subs(var, at), diff(right, var).subs(var, at)
        if simplify(dl - dr) != 0 or simplify(left.subs(var, at) - right.subs(var, at)) != 0:
            out.append(Kink(var, at, dl, dr))
    return tuple(out)


def _relations(expr: Expr, var: Symbol) -> set[Relational]:
    return {r for r in expr.atoms(Relational) if r.has(var)}


def breakpoints(expr: Expr, var: Symbol) -> list[Expr] | None:
    """The points where a condition of the (folded) piecewise expr changes, in order.

    None when they cannot all be found, are not all real, or their order depends on the parameters.
    """
    cuts: set[Expr] = set()
    for rel in _relations(expr, var):
        try:
            roots = solutions(rel.lhs - rel.rhs, var)
        except (NotImplementedError, TypeError, ValueError):
            return None
        if any(r.is_real is not True for r in roots):
            return None
        cuts.update(roots)
    try:
        ordered = sorted(cuts, key=lambda c: float(c.subs(dict.fromkeys(c.free_symbols, 1))))
    except TypeError:
        return None
    if any((b - a).is_positive is not True for a, b in zip(ordered, ordered[1:], strict=False)):
        return None
    return ordered


def condition_roots(expr: Expr, var: Symbol) -> list[float]:
    """The numeric points where a piece of expr changes, as far as they can be found (to sample away from)."""
    out: list[float] = []
    for rel in _relations(rewritten(expr), var):
        try:
            out.extend(float(r) for r in solutions(rel.lhs - rel.rhs, var) if r.is_real)
        except (NotImplementedError, TypeError):
            pass
    return out


def branch_at(e: Expr, var: Symbol, point: Expr) -> Expr | None:
    """e with every Piecewise replaced by the piece that applies near ``point`` (None when undecided)."""

    def choose(pw: Piecewise) -> Expr:
        for expr, cond in pw.args:
            truth = cond.subs(var, point)
            if truth is S.true:
                return expr
            if truth is not S.false:
                raise ValueError(cond)
        raise ValueError(pw)

    try:
        while e.has(Piecewise):
            e = e.replace(lambda x: isinstance(x, Piecewise), choose)
    except (ValueError, TypeError):
        return None
    return e
