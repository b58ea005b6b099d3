"""Proving two expressions equal: symbolically first, numerically when SymPy cannot decide.

Every stage that claims an equality proves it here (a derivation's steps in ``derive.verify``, an output
form's candidates, a marked line, an identity).  A step ``q = expr`` is proved by showing expr - q = 0,
where expr is the step's board expression with g(z) replaced by the function's definition and its
unevaluated derivatives carried out (``step_value``).  The symbolic tactics run from
cheap to costly; the first that reaches 0 is recorded as the proof.  When
none does, the difference is evaluated with mpmath at random points of the
real line, away from the points where a piece of the function changes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sympy import (
    Derivative,
    DiracDelta,
    Dummy,
    Expr,
    Function,
    Mul,
    Piecewise,
    Pow,
    S,
    Symbol,
    cancel,
    expand,
    lambdify,
    simplify,
    together,
)
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

from derive.engine import board, piecewise
from derive.engine.compute import expanded_terms, factored, larger_than, printable, real_number
from derive.knowledge import registry
from derive.knowledge.functions import cbrt, sigmoid


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


TACTICS: tuple[tuple[str, Callable[[Expr], Expr], int], ...] = (
    ("identical after evaluation", lambda d: d, 10**9),
    ("expand", expand, 600),
    ("cancel", lambda d: cancel(together(d)), 600),
    ("rewrite in exponentials, cancel", _exp_rational, 600),
    ("simplify", simplify, 200),
)
"""Each tactic with the largest difference (in nodes) it is tried on: beyond, it would only run for
seconds without closing (the library's largest closed: expand 236 nodes, cancel 340, exponentials
176); the numbers decide those, at fixed random points. Bounded by size, not by time, so a proof
is the same on a busy machine."""
CHEAP_TACTICS = TACTICS[:-1]
"""All but simplify: for the pieces of a piecewise difference, and where simplify cannot help."""


SIMPLIFY_MAX_DEPTH = 4
"""simplify is tried where functions nest at most this deep (tanh(log(1 + e^z)) of mish is 3)."""


def function_depth(e: Expr) -> int:
    """How deep functions nest in e: sin(z) is 1, tanh(log(1 + e^z)) is 3 (each distinct node once)."""
    depths: dict[Expr, int] = {}

    def depth(node: Expr) -> int:
        if node in depths:
            return depths[node]
        inner = max((depth(a) for a in node.args), default=0)
        depths[node] = inner + (1 if isinstance(node, Function) else 0)
        return depths[node]

    return depth(e)


EXPAND_MAX_TERMS = 4096
"""Beyond this many terms expand is not tried: products are compared factor by factor instead."""


def step_value(expr: Expr, definitions: Mapping[Expr, Expr]) -> Expr:
    """The canonical value of a step's expression: brackets gone, g(z) defined, d/dz carried out."""
    return board.evaluate(board.strip_groups(expr)).xreplace(dict(definitions)).doit()


@lru_cache(maxsize=2048)  # a proof is a pure function of its arguments; frozen, so safe to share
def prove_equal(
    lhs: Expr,
    rhs: Expr,
    var: Symbol,
    points: int = 30,
    digits: int = 50,
    domain: Expr | None = None,
    within: tuple[float, float] | None = None,
) -> Proof:
    """A proof that lhs = rhs as functions of var, or a failure with where they differ.

    ``domain``: the function the two sides derive from; numbers decide only where it is real
    (acosh z for z ≥ 1: elsewhere its derivative's two forms differ across a branch cut).
    ``within``: the interval where the two must agree (a branch of a piecewise function), when not
    the whole line; numbers are taken there.
    """
    lhs, rhs = _inverse_pairs(lhs), _inverse_pairs(rhs)
    difference = lhs - rhs
    if difference.has(Piecewise, *registry.by_pieces()):
        # simplify's boolean algebra is slow and seldom closes these: split the line instead
        proof = _by_intervals(difference, var)
        return proof if proof is not None else _numeric(lhs, rhs, var, points, digits, domain, within)
    closing = _closing_tactic(_tactics_for(lhs, rhs, difference), difference)
    if closing is not None:
        return Proof("symbolic", closing)
    return _numeric(lhs, rhs, var, points, digits, domain, within)


def _tactics_for(lhs: Expr, rhs: Expr, difference: Expr) -> tuple[tuple[str, Callable[[Expr], Expr], int], ...]:
    """The tactics worth trying on this difference, in order."""
    if difference.has(cbrt):
        # the real cube root (sign·|x|^(1/3)) has no algebra SymPy's tactics use: on Cardano's root of
        # a cubic they only expand for minutes (tanh's triple angle); numbers decide
        return ()
    # simplify does not denest radicals of radicals (the bent identity's form), and on functions of
    # functions of functions it tries trigonometric rewrites for minutes (an inversion's candidate for
    # log(1 + e^asin(tanh(z - 1))) nests eight deep): there, numbers decide
    deep = function_depth(difference) > SIMPLIFY_MAX_DEPTH
    tactics = CHEAP_TACTICS if deep or _nested_radical(difference) else TACTICS
    skipped = set()
    if expanded_terms(difference) > EXPAND_MAX_TERMS:
        # expand would only run out its time budget (a σ∘…∘σ chain of depth 20: 2^40 terms); in the
        # quotient of two products the common factors go at once, and cancel closes what is left
        ratio = _factorwise(lhs) / _factorwise(rhs)
        tactics = (("factor by factor, cancel", lambda _: cancel(together(ratio)) - 1, 10**9), *tactics)
        skipped.add("expand")
    if difference.has(HyperbolicFunction, sigmoid):
        # cancel sees tanh(z) and e^z as unrelated symbols and fails slowly (4 ms on the lecture's first
        # line): such a difference closes once written in exponentials
        skipped.add("cancel")
    return tuple(t for t in tactics if t[0] not in skipped)


def _factorwise(e: Expr) -> Expr:
    """Each factor of a product factored on its own: 1 - tanh²u and (1 - tanh u)(1 + tanh u) then cancel."""
    return Mul(*(factored(f) for f in Mul.make_args(e)))


def _inverse_pairs(e: Expr) -> Expr:
    """f⁻¹(f(x)) as x for real x where SymPy leaves it standing (atanh(tanh x)): inversion's forms hold them."""
    pairs = registry.inverse_pairs()

    def cancels(u: Expr) -> bool:
        return type(u) in pairs and isinstance(u.args[0], pairs[type(u)]) and u.args[0].args[0].is_extended_real

    if not any(cancels(u) for u in e.atoms(*pairs)):
        return e
    return e.replace(cancels, lambda u: u.args[0].args[0])


def _by_intervals(difference: Expr, var: Symbol) -> Proof | None:
    """0 on every open interval between the points where a condition changes, or None when undecided.

    The points are the real roots of every condition's two sides; on each
    interval every condition has one truth value (found at a point inside it,
    parameters being positive), so one branch applies, proved 0 by the cheap
    tactics.  The points themselves are left out: they are the kinks.
    """
    # not folded: branch_at picks each nested piece at the point itself, and SymPy's piecewise_fold
    # simplifies the combined conditions (a first simplify imports sympy.physics: a quarter second)
    try:
        pieces = piecewise.rewritten(difference)
    except TypeError:  # a piece with no real value (log 0 of log(relu6(z)) where relu6 is 0): not by intervals
        return None
    ordered = piecewise.breakpoints(pieces, var)
    if ordered is None:
        return None
    inside = [S.Zero]  # no cut: one interval, the whole line
    if ordered:
        inside = [ordered[0] - 1, *[(a + b) / 2 for a, b in zip(ordered, ordered[1:], strict=False)], ordered[-1] + 1]
    used = []
    for point in inside:
        branch = piecewise.branch_at(pieces, var, point)
        closing = _closing_tactic(CHEAP_TACTICS, branch) if branch is not None else None
        if closing is None:
            return None
        used.append(closing)
    where = ", ".join(f"{var} = {c}" for c in ordered) or "none"
    return Proof("symbolic", f"by intervals: {len(inside)} pieces (split at {where}), closed by {'; '.join(used)}")


def _closing_tactic(tactics: tuple[tuple[str, Callable[[Expr], Expr], int], ...], difference: Expr) -> str | None:
    """The name of the first tactic, among those the difference is small enough for, that brings it to 0."""
    for name, tactic, max_nodes in tactics:
        if larger_than(difference, max_nodes):
            continue
        try:
            if tactic(difference) == 0:
                return name
        except (NotImplementedError, TypeError, ValueError, RecursionError):
            continue
    return None


def _numeric(
    lhs: Expr,
    rhs: Expr,
    var: Symbol,
    points: int,
    digits: int,
    domain: Expr | None = None,
    within: tuple[float, float] | None = None,
    narrowed: bool = False,
) -> Proof:
    """lhs = rhs at ``points`` random points of [-6, 6] (of its part ``within``; parameters in
    [0.5, 2]) with mpmath at ``digits``.

    Points within 10^-3 of a kink, points where either side cannot be evaluated (a singularity)
    and points where ``domain`` is not real are skipped; the error is relative to |rhs|
    (absolute where rhs is below 10^-10).  Where too few points could be evaluated, the points are
    drawn again, once, between the first and the last that could (acos(acosh z) is real on
    [1, cosh 1] only: 13 of 300 draws on [-6, 6]).
    """
    import mpmath

    # DiracDelta (SymPy's derivative of a step) is 0 away from the kinks, where the points are taken
    lhs, rhs = (e.replace(lambda x: isinstance(x, DiracDelta), lambda x: S.Zero) for e in (lhs, rhs))
    sides = [lhs, rhs] if domain is None else [lhs, rhs, domain]
    params = sorted(set().union(*(e.free_symbols for e in sides)) - {var}, key=str)
    f = _compiled(sides, var, params)
    rng = random.Random(1)
    kinks = piecewise.condition_roots(lhs - rhs, var)
    main, far = _sampled_ranges(kinks, within)
    low, high = main
    worst = mpmath.mpf(0)
    tried = used = 0
    evaluated: list = []
    with mpmath.workdps(digits):
        tolerance = mpmath.mpf(10) ** (-(digits * 2 // 3))
        while used < points and tried < points * 10:
            tried += 1
            z0 = mpmath.mpf(rng.uniform(low, high))
            if any(abs(z0 - k) < 1e-3 for k in kinks):
                continue
            values = [mpmath.mpf(rng.uniform(0.5, 2.0)) for _ in params]
            try:
                left, right, *where = _sides(f, z0, values)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if not (mpmath.isfinite(left) and mpmath.isfinite(right)) or (where and real_number(where[0]) is None):
                continue
            used += 1
            evaluated.append(z0)
            err = _relative_error(left, right)
            if err > tolerance:  # cancellation (Cardano's radicals lose 40 digits) or a real difference:
                with mpmath.workdps(digits * 4):  # at four times the digits, the first shrinks, the second not
                    err = _relative_error(*_sides(f, z0, values)[:2])
            worst = max(worst, err)
            if err > tolerance:
                return _differs(var, params, z0, values, left, right, err)
    if used < points and not narrowed and len(evaluated) >= 2:
        first, last = float(min(evaluated)), float(max(evaluated))
        return _numeric(lhs, rhs, var, points, digits, domain, (first, last), narrowed=True)
    if used < points:
        return Proof("failed", f"only {used} of {points} points could be evaluated")
    beyond = 0
    for interval in far:
        found = _far_points(f, var, params, interval, kinks, digits, rng)
        if isinstance(found, Proof):
            return found
        beyond += found
    more = f" and {beyond} in the pieces beyond ±6" if beyond else ""
    return Proof(
        "numeric", f"{used} random points{more}, {digits} digits, worst relative error {mpmath.nstr(worst, 3)}"
    )


FAR_POINTS = 6
"""Points drawn in each piece of a piecewise function that lies beyond [-6, 6] (a clip at ±500)."""
FAR_WIDTH = 20.0
"""How far into an unbounded piece beyond [-6, 6] its points are drawn."""


def _sampled_ranges(
    kinks: list[float], within: tuple[float, float] | None
) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """Where the points are drawn: [-6, 6] (of ``within``), where the curves bend, and every piece between
    two kinks, or beyond the last, that lies wholly outside it: its values there are tested too (a step
    that drops a clip's factor differs only beyond ±500)."""
    lo, hi = (-math.inf, math.inf) if within is None else within
    cuts = sorted({k for k in kinks if lo < k < hi})
    pieces = list(zip([lo, *cuts], [*cuts, hi], strict=True))
    main = (max(lo, -6.0), min(hi, 6.0))
    if main[0] >= main[1]:  # ``within`` lies wholly beyond [-6, 6]: its own piece is the main one
        main = _finite(lo, hi)
    far = [_finite(a, b) for a, b in pieces if (b <= -6.0 or a >= 6.0) and _finite(a, b) != main]
    return main, far


def _finite(a: float, b: float) -> tuple[float, float]:
    """A stretch of the piece (a, b) to draw points in: the whole of it, or FAR_WIDTH of it from its end."""
    if math.isinf(a) and math.isinf(b):
        return (-6.0, 6.0)
    if math.isinf(b):
        return (a, a + FAR_WIDTH)
    if math.isinf(a):
        return (b - FAR_WIDTH, b)
    return (a, b)


def _far_points(f, var: Symbol, params: list, interval: tuple[float, float], kinks, digits: int, rng) -> int | Proof:
    """FAR_POINTS points of a piece beyond [-6, 6] compared with the digits their size needs (σ(500) is
    1 - 10^-217: at 50 digits 1 - σ(500) would be 0 and a dropped factor unseen), the error relative to
    the larger side, absolute only below the precision's own noise.  The number of points used, or the
    failure."""
    import mpmath

    used = tried = 0
    while used < FAR_POINTS and tried < FAR_POINTS * 10:
        tried += 1
        z0 = rng.uniform(*interval)
        if any(abs(z0 - k) < 1e-3 for k in kinks):
            continue
        values = [rng.uniform(0.5, 2.0) for _ in params]
        dps = digits + int(abs(z0)) + 20
        with mpmath.workdps(dps):
            try:
                left, right = _sides(f, mpmath.mpf(z0), [mpmath.mpf(v) for v in values])[:2]
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if not (mpmath.isfinite(left) and mpmath.isfinite(right)):
                continue
            used += 1
            scale = max(abs(left), abs(right))
            noise = mpmath.mpf(10) ** (-(dps * 9 // 10))
            err = abs(left - right) / scale if scale > noise else abs(left - right)
            if err > mpmath.mpf(10) ** (-(digits * 2 // 3)):
                return _differs(var, params, mpmath.mpf(z0), values, left, right, err)
    return used


def _differs(var: Symbol, params: list, z0, values, left, right, err) -> Proof:
    import mpmath

    at = f"{var} = {mpmath.nstr(z0, 15)}" + "".join(
        f", {p} = {mpmath.nstr(v, 15)}" for p, v in zip(params, values, strict=True)
    )
    return Proof(
        "failed",
        f"differs at {at}: {mpmath.nstr(left, 12)} against {mpmath.nstr(right, 12)} "
        f"(relative error {mpmath.nstr(err, 3)})",
    )


def _compiled(sides: list[Expr], var: Symbol, params: list[Symbol]) -> Callable:
    """The sides as one mpmath function of (var, *params).  A derivative SymPy leaves unevaluated (its diff
    of sign(asin(tanh z)), which it cannot tell real) is taken numerically, by mpmath's diff of the
    function under it at the working precision: no printer writes a Derivative."""
    import mpmath

    sides = printable(sides)
    left = sorted({d for e in sides for d in e.atoms(Derivative)}, key=str)
    if not left:
        return lambdify([var, *params], sides, modules="mpmath")
    names = [Dummy(f"slope{i}") for i in range(len(left))]
    core = lambdify([var, *params, *names], [e.xreplace(dict(zip(left, names, strict=True))) for e in sides], "mpmath")
    inner = []
    for d in left:
        ((by, n),) = d.variable_count
        if by != var or d.expr.has(Derivative):
            raise TypeError(f"a derivative in {by} left by SymPy")  # not one of the variable: not compared
        inner.append((lambdify([var, *params], d.expr, modules="mpmath"), int(n)))

    def f(z0, *values):
        slopes = [mpmath.diff(lambda t, h=h: h(t, *values), z0, n) for h, n in inner]
        return core(z0, *values, *slopes)

    return f


def _sides(f, z0, values) -> list:
    """The compiled sides (and the domain) at a point, as mpmath numbers at the working precision."""
    import mpmath

    return [mpmath.mpmathify(v) for v in f(z0, *values)]


def _relative_error(left, right) -> object:
    """|left - right| relative to |right|, absolute where right is below 10^-10."""
    import mpmath

    return abs(left - right) / (abs(right) if abs(right) > mpmath.mpf("1e-10") else 1)


def _is_radical(e: Expr) -> bool:
    return e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer


def _nested_radical(e: Expr) -> bool:
    """A square (or other) root of an expression that holds a root itself."""
    return any(_is_radical(p) and any(_is_radical(q) for q in p.base.atoms(Pow)) for p in e.atoms(Pow))


# --- a derivation's steps -------------------------------------------------
