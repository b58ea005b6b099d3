"""Whether g' can be written F(g): found, proved impossible, or not found.

- A piecewise g is handled piece by piece: each piece's F on its interval,
  and the branch chosen by the output's own value (the image of the piece):
  ELU gives 1 where g > 0, g + α elsewhere.  Where two pieces meet and the
  one-sided derivatives differ, the point is named as not differentiable.
- No F exists when g is not injective and takes one value at z1 ≠ z2 with
  different slopes: then F(g(z1)) would need two values.  The witness is
  found numerically (a turning point of g, then a second input with the
  same output, by bisection at 40 digits) and reported as such.
- Otherwise, if no method finds F, the verdict says so: 'not found' is not
  'none exists'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
from sympy import (
    Abs,
    And,
    Expr,
    Interval,
    Max,
    Min,
    Piecewise,
    S,
    Symbol,
    Wild,
    collect,
    diff,
    exp,
    expand,
    limit,
    oo,
    piecewise_fold,
    simplify,
)

from derive.compute import EVALUATION_ERRORS, compiled, real_at, real_number
from derive.functions import sigmoid
from derive.output_form import G, OutputForm, find_output_form, holds, kernel_candidates, sample


@dataclass(frozen=True)
class Kink:
    """A point where g is not differentiable, with its one-sided derivatives."""

    at: Expr
    left: Expr
    right: Expr

    def __str__(self) -> str:
        return (
            f"not differentiable at z = {self.at} (derivative {self.left} from the left, {self.right} from the right)"
        )


@dataclass(frozen=True)
class Witness:
    """g(z1) = g(z2) but g'(z1) ≠ g'(z2): no F can give both slopes."""

    z1: mpmath.mpf
    z2: mpmath.mpf
    value: mpmath.mpf
    slope1: mpmath.mpf
    slope2: mpmath.mpf
    parameters: str

    def __str__(self) -> str:
        n = mpmath.nstr
        return (
            f"g is not injective: g({n(self.z1, 12)}) = g({n(self.z2, 12)}) = {n(self.value, 12)}, "
            f"but g' is {n(self.slope1, 8)} at the first and {n(self.slope2, 8)} at the second{self.parameters}"
        )


@dataclass(frozen=True)
class Verdict:
    """The answer to 'is there an F with g' = F(g)?'."""

    status: str  # "found", "none exists" or "not found"
    form: OutputForm | None = None
    witness: Witness | None = None
    kinks: tuple[Kink, ...] = field(default=())
    mixed: Expr | None = None

    @property
    def reason(self) -> str:
        if self.status == "found":
            return f"g' = F(g), found by {self.form.method}"
        if self.status == "none exists":
            mixed = f"; mixed form: g' = {self.mixed}" if self.mixed is not None else ""
            return f"no output form exists: {self.witness}{mixed}"
        return "no output form found (none of the methods applies; this is not a proof that none exists)"


def piecewise_body(body: Expr) -> Expr:
    """g with Max, Min and Abs written as one top-level Piecewise."""
    if body.has(Max, Min, Abs, Piecewise):
        return piecewise_fold(body.rewrite(Piecewise))
    return body


@lru_cache(maxsize=256)  # a verdict is a pure function of (g, g', z); frozen, so safe to share
def analyse(body: Expr, derivative: Expr, var: Symbol) -> Verdict:
    """Find F with g' = F(g), or prove there is none, or say that none was found."""
    shaped = piecewise_body(body)
    if isinstance(shaped, Piecewise):
        return _piecewise(shaped, derivative, var)
    # the numeric witness is cheap and settles the question before any costly search
    witness = non_injective_witness(body, derivative, var)
    if witness is not None:
        return Verdict("none exists", witness=witness, mixed=mixed_form(body, var))
    form = find_output_form(body, derivative, var)
    return Verdict("found", form) if form is not None else Verdict("not found")


def mixed_form(body: Expr, var: Symbol) -> Expr | None:
    """For g = z s(z) with s' = F_s(s): g' = s + z s' = s + g F_s(s)/s, in g and s(z) (swish)."""
    inner = body / var  # no cancel: s keeps the form it is written in
    if not inner.has(var) or not body.is_Mul or var not in body.args:
        return None
    derivative = diff(inner, var)
    samples = sample(inner, derivative, var)
    polynomial = [
        f
        for f in map(expand, kernel_candidates(inner, derivative, var))
        if f.is_polynomial(G) and holds(f, samples)  # natural only when F_s is a polynomial
    ]
    if not polynomial:
        return None
    s = Symbol("s")
    mixed = expand(s + G * polynomial[0].subs(G, s) / s)
    shown = collect(mixed, s)
    return shown.subs(s, _named(inner, var))


def _named(inner: Expr, var: Symbol) -> Expr:
    """s(z) by its name where it has one: 1/(1 + e^{-w}) is σ(w)."""
    w = Wild("w")
    match = inner.match(1 / (1 + exp(-w)))
    return sigmoid(match[w]) if match and match[w].has(var) else inner


def _intervals(pw: Piecewise, var: Symbol) -> list[tuple[Expr, Interval]]:
    taken = S.EmptySet
    out = []
    for expr, cond in pw.args:
        where = (cond.as_set() if cond is not S.true else S.Reals) - taken
        taken = taken | where
        if where is not S.EmptySet:
            out.append((expr, where))
    return out


def _piecewise(pw: Piecewise, derivative: Expr, var: Symbol) -> Verdict:
    pieces = _intervals(pw, var)
    if not all(isinstance(where, Interval) for _, where in pieces):
        return Verdict("not found")
    kinks = _kinks(pieces, var)
    branches: list[tuple[Expr, Expr]] = []
    constant = False
    for expr, where in pieces:
        if not expr.has(var):
            constant = True
            continue
        lo, hi = max(float(where.start), -4.0), min(float(where.end), 4.0)
        if hi - lo < 0.02:
            lo, hi = (float(where.start), float(where.start) + 3) if where.end == oo else (hi - 3, hi)
        form = find_output_form(expr, diff(expr, var), var, (lo, hi))
        if form is None:
            return Verdict("not found", kinks=kinks)
        ends = [limit(expr, var, where.start, "+"), limit(expr, var, where.end, "-")]
        if not all(e.is_extended_real for e in ends):
            return Verdict("not found", kinks=kinks)  # the branch leaves the reals (asin|z| for |z| > 1)
        low, high = sorted(ends, key=lambda e: float(e.subs({s: 1 for s in e.free_symbols})))
        bounds = ([G > low] if low.is_finite else []) + ([G < high] if high.is_finite else [])
        branches.append((form.expr, And(*bounds)))
    branches.sort(key=lambda b: b[1] is S.true)  # an unbounded branch goes last
    if constant:
        branches.append((S.Zero, S.true))
    else:
        branches[-1] = (branches[-1][0], S.true)
    samples = sample(pw, derivative, var, (-4.0, 4.0))
    merged = _merged(branches, samples)
    f = merged if merged is not None else Piecewise(*branches)
    if not holds(f, samples):
        return Verdict("not found", kinks=kinks)
    return Verdict("found", OutputForm(f, "per branch"), kinks=kinks)


def _merged(branches: list[tuple[Expr, Expr]], samples) -> Expr | None:
    """One formula in |g| for all branches, when there is one (softsign: (1 - |g|)²)."""
    for f, _ in branches:
        candidate = f.subs(G, Abs(G))
        if holds(candidate, samples):
            return candidate
    return None


def _kinks(pieces: list[tuple[Expr, Interval]], var: Symbol) -> tuple[Kink, ...]:
    """Where neighbouring pieces meet with a jump or with different one-sided derivatives."""
    out = []
    pieces = sorted(pieces, key=lambda p: float(p[1].start))
    for (left, lw), (right, rw) in zip(pieces, pieces[1:], strict=False):
        at = lw.end
        if at != rw.start or not at.is_finite:
            continue
        dl, dr = diff(left, var).subs(var, at), diff(right, var).subs(var, at)
        if simplify(dl - dr) != 0 or simplify(left.subs(var, at) - right.subs(var, at)) != 0:
            out.append(Kink(at, dl, dr))
    return tuple(out)


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
