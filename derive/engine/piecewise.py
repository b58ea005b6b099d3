"""Piecewise functions in one place: their pieces and intervals, the points where a piece changes, kinks.

The verdict reads g piece by piece (``pieces``) and names its kinks (``kinks``); the checker proves
a piecewise line interval by interval between its ``breakpoints`` (``branch_at`` picks the piece)
and keeps its random points away from them (``condition_roots``); the rules differentiate Max and
Min through their pieces (``rewritten``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import (
    Dummy,
    Eq,
    Expr,
    Intersection,
    Interval,
    Max,
    Min,
    Piecewise,
    S,
    Symbol,
    Union,
    cancel,
    diff,
    piecewise_fold,
    simplify,
)
from sympy.core.relational import Relational
from sympy.functions.elementary.miscellaneous import _minmax_as_Piecewise
from sympy.logic.boolalg import ITE, And, Not, Or

from derive.engine.compute import solutions
from derive.engine.reasons import Reason
from derive.knowledge import registry


def rewritten(expr: Expr) -> Expr:
    """Max, Min, Abs, sign and Heaviside written as Piecewise (not folded).

    Max and Min are written from the inside out, over the pieces of an argument that is itself
    piecewise: min(6, max(0, z + 3)) is min(6, 0) where z + 3 ≤ 0, min(6, z + 3) elsewhere.
    SymPy's own rewrite compares 6 with a Piecewise (an ITE condition), which takes a tenth of a
    second and then seconds to fold.
    """
    if expr.has(Max, Min):
        expr = expr.replace(lambda e: isinstance(e, (Max, Min)) and _in_variable(e), _minmax_pieces)
    # a max of parameters alone (max(1, a) of max(z, a·z)) stays one: it is a number, not a piece of g
    constants = {e: Dummy() for e in expr.atoms(Max, Min) if not _in_variable(e)}
    return expr.xreplace(constants).rewrite(Piecewise).xreplace({d: e for e, d in constants.items()})


def _in_variable(e: Expr) -> bool:
    """Whether e holds the variable (derive's variable is real; parameters are positive)."""
    return any(not s.is_positive for s in e.free_symbols)


def _minmax_pieces(e: Expr) -> Expr:
    args = list(e.args)
    for i, arg in enumerate(args):
        if isinstance(arg, Piecewise):
            return Piecewise(*[(_minmax_pieces_of(e.func(*args[:i], p, *args[i + 1 :])), c) for p, c in arg.args])
    homogeneous = _homogeneous(e)
    if homogeneous is not None:
        return homogeneous
    return _minmax_as_Piecewise(">=" if isinstance(e, Max) else "<=", *args)


def _homogeneous(e: Expr) -> Expr | None:
    """max(z, a·z) by the sign of z: z·max(1, a) for z ≥ 0, z·min(1, a) below, whatever a is (which of
    z and a·z is larger depends on a < 1; on either side of 0 it does not)."""
    variables = {s for s in e.free_symbols if not s.is_positive}
    if len(variables) != 1:
        return None
    (var,) = variables
    slopes = [cancel(a / var) for a in e.args]
    if any(s.has(var) for s in slopes) or len(set(slopes)) < 2 or all(s.is_number for s in slopes):
        return None
    same, other = (Max, Min) if isinstance(e, Max) else (Min, Max)
    return Piecewise((var * same(*slopes), var >= 0), (var * other(*slopes), True))


def _minmax_pieces_of(e: Expr) -> Expr:
    return _minmax_pieces(e) if isinstance(e, (Max, Min)) else e


def flat(expr: Expr) -> Expr:
    """Max, Min (nested too) as one Piecewise whose conditions are plain: min(1, max(0, z)) has three
    pieces z ≥ 1, z ≤ 0, else; no ITE, no Piecewise inside a condition or a piece."""
    folded = piecewise_fold(rewritten(expr))
    if not isinstance(folded, Piecewise):
        return folded
    return interval_first(Piecewise(*[(e, plain_condition(c)) for e, c in folded.args]))


def interval_first(expr: Expr) -> Expr:
    """Two pieces, the first on a union: the interval first, the rest "otherwise" (1 on 0 < z < 1,
    not 0 where z ≥ 1 or z ≤ 0); anything else as it is."""
    if not isinstance(expr, Piecewise) or len(expr.args) != 2:
        return expr
    (outside, where), (inside, last) = expr.args
    if not isinstance(where, Or) or last is not S.true:
        return expr
    return Piecewise((inside, plain_condition(Not(where))), (outside, S.true))


def flattened(expr: Expr) -> Expr:
    """expr itself, or flat when a Piecewise holds a Piecewise or an ITE (a library function of a Piecewise)."""
    nested = any(p.has(Piecewise, ITE) for pw in expr.atoms(Piecewise) for p in pw.args)
    return flat(expr) if nested or expr.has(ITE) else expr


def condition_set(cond: Expr) -> object:
    """The set of reals where a condition in one variable holds. A comparison of the variable with a
    number is its interval at once, and And, Or, Not combine those; anything else goes through SymPy's
    as_set, which solves the inequality (z > 0 that way costs a tenth of a second: it asks for the
    periodicity of z, which simplifies, which imports sympy.physics)."""
    if cond is S.true:
        return S.Reals
    if cond is S.false:
        return S.EmptySet
    if isinstance(cond, Relational) and cond.rel_op in ("<", "<=", ">", ">="):
        lhs, rhs, op = cond.lhs, cond.rhs, cond.rel_op
        if rhs.is_Symbol and lhs.is_number:  # 0 < z is z > 0
            lhs, rhs, op = rhs, lhs, {"<": ">", "<=": ">=", ">": "<", ">=": "<="}[op]
        if lhs.is_Symbol and rhs.is_number and rhs.is_extended_real:
            return {
                "<": Interval.open(S.NegativeInfinity, rhs),
                "<=": Interval(S.NegativeInfinity, rhs),
                ">": Interval.open(rhs, S.Infinity),
                ">=": Interval(rhs, S.Infinity),
            }[op]
    if isinstance(cond, (And, Or)):
        sets = [condition_set(a) for a in cond.args]
        return Intersection(*sets) if isinstance(cond, And) else Union(*sets)
    if isinstance(cond, Not):
        return S.Reals - condition_set(cond.args[0])
    return cond.as_set()


def plain_condition(cond: Expr) -> Expr:
    """A condition without ITE, written as the interval it is when it has one variable: (z ≥ 1) ∧ (z > 0) is z ≥ 1."""
    cond = cond.replace(lambda c: isinstance(c, ITE), lambda c: c.to_nnf())
    symbols = cond.free_symbols
    if len(symbols) != 1 or cond in (S.true, S.false):
        return cond
    (var,) = symbols
    try:
        shown = condition_set(cond).as_relational(var)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return cond
    return shown if shown.count_ops() <= cond.count_ops() else cond


def as_piecewise(body: Expr) -> Expr:
    """g with its corners (|u|, max, min) written as one top-level Piecewise (g itself when it has none).

    Jumps (sign, Heaviside) stay whole: their value at the jump is a piece of its own, on no interval.
    """
    if body.has(Piecewise, *registry.by_pieces("corners")):
        return piecewise_fold(rewritten(body))
    return body


def pieces(pw: Piecewise, var: Symbol) -> list[tuple[Expr, object]] | None:
    """Each piece with the set of the line where it applies (conditions read in order).

    Conditions in the variable alone are read as sets; with parameters (z > a) the line is cut at
    the breakpoints and each interval takes the piece that applies inside it.  None when that
    depends on the parameters' values (max(z, a·z): which is larger depends on a < 1).
    """
    if any(c.free_symbols - {var} for _, c in pw.args):
        return _pieces_between_breakpoints(pw, var)
    taken = S.EmptySet
    out = []
    for expr, cond in pw.args:
        try:
            where = condition_set(cond) - taken
        except (NotImplementedError, TypeError, ValueError):  # sin z > 0: infinitely many intervals
            return None
        taken = taken | where
        if where is not S.EmptySet:
            out.append((expr, where))
    return out


def _pieces_between_breakpoints(pw: Piecewise, var: Symbol) -> list[tuple[Expr, Interval]] | None:
    cuts = breakpoints(pw, var)
    if cuts is None:
        return None
    ends = [S.NegativeInfinity, *cuts, S.Infinity]
    out: list[tuple[Expr, Interval]] = []
    for lo, hi in zip(ends, ends[1:], strict=False):
        inside = (lo + hi) / 2 if lo.is_finite and hi.is_finite else (hi - 1 if hi.is_finite else lo + 1)
        if not (lo.is_finite or hi.is_finite):
            inside = S.Zero
        expr = branch_at(pw, var, inside)
        if expr is None:
            return None
        if out and out[-1][0] == expr:
            out[-1] = (expr, Interval.open(out[-1][1].start, hi))
        else:
            out.append((expr, Interval.open(lo, hi)))
    return out


def at_unit_parameters(value: Expr) -> float:
    """A number for ordering symbolic points (parameters are positive: each put to 1)."""
    return float(value.subs(dict.fromkeys(value.free_symbols, 1)))


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
    parts = sorted(parts, key=lambda p: at_unit_parameters(p[1].start))
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
    """The points where a condition of the piecewise expr (its pieces nested or not) changes, in order.

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
        ordered = sorted(cuts, key=at_unit_parameters)
    except TypeError:
        return None
    if any((b - a).is_positive is not True for a, b in zip(ordered, ordered[1:], strict=False)):
        return None
    return ordered


def condition_roots(expr: Expr, var: Symbol) -> list[float]:
    """The numeric points where a piece of expr changes, as far as they can be found (to sample away from)."""
    out: list[float] = []
    try:
        relations = _relations(rewritten(expr), var)
    except TypeError:  # a piece with no real value (log 0): its conditions are not compared
        relations = _relations(expr, var)
    for rel in relations:
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
