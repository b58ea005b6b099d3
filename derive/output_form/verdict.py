"""Whether g' can be written F(g): found, proved impossible, or not found.

- A piecewise g is handled piece by piece: each piece's F on its interval,
  and the branch chosen by the output's own value (the image of the piece):
  ELU gives 1 where g > 0, g + α elsewhere.  Where two pieces meet and the
  one-sided derivatives differ, the point is named as not differentiable.
- No F exists when g is not injective (derive.output_form.witness).
- Otherwise, if no method finds F, the verdict says so: 'not found' is not
  'none exists'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from sympy import (
    Abs,
    AccumBounds,
    And,
    Expr,
    FiniteSet,
    Interval,
    Piecewise,
    S,
    Symbol,
    Union,
    Wild,
    collect,
    diff,
    exp,
    expand,
    limit,
    oo,
)

from derive.engine import board, piecewise
from derive.engine.piecewise import Kink
from derive.engine.reasons import Note, Reason
from derive.knowledge.functions import sigmoid
from derive.knowledge.symbols import SLOPE, G
from derive.output_form.kernel import kernel_candidates
from derive.output_form.method import OutputForm
from derive.output_form.sampling import holds, sample
from derive.output_form.search import find_output_form
from derive.output_form.witness import Witness, non_injective_witness


@dataclass(frozen=True)
class Verdict:
    """The answer to 'is there an F with g' = F(g)?'."""

    status: str  # "found", "none exists" or "not found"
    form: OutputForm | None = None
    witness: Witness | None = None
    kinks: tuple[Kink, ...] = field(default=())
    mixed: Expr | None = None

    def summary(self) -> Reason:
        """The verdict in one sentence."""
        if self.status == "found":
            return Reason.of("{dg} = F({g}), found by {method}", dg=SLOPE, g=G, method=self.form.method)
        if self.status == "none exists":
            if self.mixed is None:
                return Reason.of("no output form exists: {witness}", witness=self.witness.reason())
            mixed = board.board_form(self.mixed)
            return Reason.of(
                "no output form exists: {witness}; mixed form: {dg} = {mixed}",
                witness=self.witness.reason(),
                dg=SLOPE,
                mixed=mixed,
            )
        return Reason("no output form found (none of the methods applies; this is not a proof that none exists)")

    def notes(self) -> list[Note]:
        """What every format writes under the steps: the verdict unless F was found, then each kink."""
        out = [Note(self.summary(), emphasis=True)] if self.status != "found" else []
        return out + [Note(Reason.of("{g} is {kink}", g=G, kink=k.reason())) for k in self.kinks]


@lru_cache(maxsize=256)  # a verdict is a pure function of (g, g', z); frozen, so safe to share
def analyse(body: Expr, derivative: Expr, var: Symbol) -> Verdict:
    """Find F with g' = F(g), or prove there is none, or say that none was found."""
    shaped = piecewise.as_piecewise(body)
    # the numeric witness is cheap and settles the question before any costly search; within and
    # across the branches of a piecewise g too (|z - a| turns at a, z·e^z dips below 0 on z < 0)
    witness = non_injective_witness(body, derivative, var)
    if witness is not None:
        kinks = _kinks_of(shaped, var) if isinstance(shaped, Piecewise) else ()
        return Verdict("none exists", witness=witness, kinks=kinks, mixed=mixed_form(body, var))
    if isinstance(shaped, Piecewise):
        return _piecewise(shaped, derivative, var)
    form = find_output_form(body, derivative, var)
    return Verdict("found", form) if form is not None else Verdict("not found")


def _interval_parts(pw: Piecewise, var: Symbol) -> list[tuple[Expr, Interval]] | None:
    """The pieces of g on the intervals where each holds, in order along the line: a piece on a union
    of intervals is one part for each, a piece at single points is left out (g' lives on open
    intervals: max(0, z) + a·min(0, z) has a piece at z = 0 alone); None otherwise (sin z > 0, a
    parameter's sign)."""
    parts = piecewise.pieces(pw, var)
    if parts is None:
        return None
    out = []
    for expr, where in parts:
        sets = where.args if isinstance(where, Union) else (where,)
        for part in sets:
            if isinstance(part, FiniteSet):
                continue
            if not isinstance(part, Interval):
                return None
            out.append((expr, part))
    return out  # in the order of the conditions: the last branch is the one "otherwise" (kinks sort their own)


def _kinks_of(pw: Piecewise, var: Symbol) -> tuple[Kink, ...]:
    parts = _interval_parts(pw, var)
    return piecewise.kinks(parts, var) if parts is not None else ()


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


def _piecewise(pw: Piecewise, derivative: Expr, var: Symbol) -> Verdict:
    parts = _interval_parts(pw, var)
    if parts is None:
        return Verdict("not found")
    kinks = piecewise.kinks(parts, var)
    branches: list[tuple[Expr, Expr]] = []
    ranges: list[tuple[Expr, Expr]] = []  # the values g takes on each branch that is not constant
    constants: list[Expr] = []
    stretches: list[tuple[float, float]] = []  # where each branch that is not constant is sampled
    for expr, where in parts:
        if not expr.has(var):
            constants.append(expr)
            continue
        start, end = (piecewise.at_unit_parameters(e) for e in (where.start, where.end))
        lo, hi = max(start, -4.0), min(end, 4.0)
        if hi - lo < 0.02:
            lo, hi = (start, start + 3) if where.end == oo else (hi - 3, hi)
        form = find_output_form(expr, diff(expr, var), var, (lo, hi), within=(start, end))
        if form is None:
            return Verdict("not found", kinks=kinks)
        ends = [limit(expr, var, where.start, "+"), limit(expr, var, where.end, "-")]
        if not all(e.is_extended_real and not isinstance(e, AccumBounds) for e in ends):
            # the branch leaves the reals (asin|z| for |z| > 1), or has no limit at an end (tan z as z → ∞)
            return Verdict("not found", kinks=kinks)
        low, high = sorted(ends, key=piecewise.at_unit_parameters)
        bounds = ([G > low] if low.is_finite else []) + ([G < high] if high.is_finite else [])
        branches.append((form.expr, And(*bounds)))
        ranges.append((low, high))
        stretches.append((lo, hi))
    if not _apart(ranges, constants):
        return Verdict("not found", kinks=kinks)
    branches.sort(key=lambda b: b[1] is S.true)  # an unbounded branch goes last
    if constants:
        branches.append((S.Zero, S.true))
    else:
        branches[-1] = (branches[-1][0], S.true)
    # every branch sampled, those beyond ±4 too (a clip at ±500), and F(c) = 0 on every constant piece
    every = [sample(pw, derivative, var, stretch) for stretch in [(-4.0, 4.0), *stretches]]
    merged = _merged(branches, every, constants)
    f = merged if merged is not None else Piecewise(*branches)
    if not all(holds(f, samples) for samples in every if samples.points is not None):
        return Verdict("not found", kinks=kinks)
    return Verdict("found", OutputForm(f, "per branch"), kinks=kinks)


def _apart(ranges: list[tuple[Expr, Expr]], constants: list[Expr]) -> bool:
    """Whether g's value tells its branch, for every value of the parameters: each branch's range of g is
    known, the ranges are disjoint, and no constant piece's value lies inside one of them.  Otherwise g' in terms of g
    would take one branch's formula at the other's points (z² on z > a beside β elsewhere: g = β is
    reached on both sides of a when β > a², where g' is 2√β and 0)."""

    def at_most(x: Expr, y: Expr) -> bool:  # provably, for all positive parameters
        return x == -oo or y == oo or bool((y - x).is_nonnegative)

    for low, high in ranges:  # each range itself known: (a - 1)z on z < 0 runs to -∞·sign(a - 1)
        if not all(e in (oo, -oo) or e.is_finite for e in (low, high)) or not at_most(low, high):
            return False
    for i, (low, high) in enumerate(ranges):
        for other_low, other_high in ranges[i + 1 :]:
            if not (at_most(high, other_low) or at_most(other_high, low)):
                return False
        for c in constants:
            if not (at_most(c, low) or at_most(high, c)):
                return False
    return True


def _merged(branches: list[tuple[Expr, Expr]], every: list, constants: list[Expr]) -> Expr | None:
    """One formula for all branches, when there is one: a branch's own where the range of g needs no
    more (g ≥ 0: no |g|), else in |g| (softsign: (1 - |g|)²).  It must hold on every branch's samples
    and give 0, exactly, at every constant piece's value: g(1 - g) is 10^-217 at the σ(500) of a clipped
    σ, where g' is 0, and no sample at 30 digits tells the two apart."""
    for f, _ in branches:
        for candidate in (f, f.subs(G, Abs(G))):
            if all(holds(candidate, samples) for samples in every if samples.points is not None) and all(
                _vanishes(candidate.subs(G, c)) for c in constants
            ):
                return candidate
    return None


def _vanishes(value: Expr) -> bool:
    """Whether a number is 0: SymPy's evalf, which raises its precision until the digits asked for are right
    (σ(500)(1 - σ(500)) is 7.1·10^-218, not 0), decides; a value it cannot settle is taken as not 0."""
    try:
        return value.is_zero is True or value.evalf(20, maxn=4000) == 0
    except (TypeError, ValueError, ArithmeticError):
        return False
