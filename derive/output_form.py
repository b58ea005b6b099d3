"""The output form: g'(z) written as F(g(z)), found by an algorithm, shown as steps.

Finding F (``find_output_form``) eliminates z between y = g(z) and p = g'(z):

1. exponential kernel: when g and g' are rational functions of t = e^{w/L}
   (every exponential e^{k w} with rational k, w linear in z), solve the
   polynomial y·Q(t) - P(t) = 0 for t and substitute into g'; this covers
   the logistic family (any scale, shift or way of writing it) and tanh;
2. inversion: otherwise solve y = g(z) for z with SymPy's ``solve``.

A candidate F is kept only if F(g(z)) = g'(z) at sample points spread over
the line; the step checker then proves every line as it proves the others.

Showing F (``output_steps``) takes two lines, as the lecture does: g' written
through the pieces of g = N/D (each factor of F put over D, so 1 - g becomes
(D - N)/D, the lecture's (1 + e^{-z} - 1)/(1 + e^{-z})), then F(g(z)).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from math import lcm
from typing import Any

import mpmath
from sympy import (
    Add,
    Dummy,
    Expr,
    Function,
    Integer,
    Mul,
    Poly,
    Pow,
    Rational,
    S,
    Symbol,
    asinh,
    atan,
    atanh,
    cancel,
    count_ops,
    degree,
    erf,
    erfinv,
    exp,
    expand,
    factor,
    factor_list,
    factor_terms,
    groebner,
    log,
    powdenest,
    radsimp,
    simplify,
    sinh,
    solve,
    tan,
    tanh,
    together,
)
from sympy.core.sorting import default_sort_key
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction
from sympy.polys.fields import sfield

from derive import board
from derive.compute import (
    SearchTimeoutError,
    compiled,
    expanded_terms,
    real_at,
    simplified,
    solutions,
    time_limit,
)
from derive.functions import logit, sigmoid
from derive.steps import Step

G = Symbol("g")
"""The symbol output forms are written in: F(g)."""


@dataclass(frozen=True)
class OutputForm:
    """g' = F(g): ``expr`` is F in the symbol ``G``, in the form it is shown."""

    expr: Expr
    method: str


def find_output_form(
    body: Expr,
    derivative: Expr,
    var: Symbol,
    interval: tuple[float, float] = (-3.0, 3.0),
    methods: tuple[str, ...] | None = None,
) -> OutputForm | None:
    """F with derivative = F(body) on the interval (the line by default), or None when no method finds one."""
    samples = sample(body, derivative, var, interval)
    for method, candidates in _METHODS:
        if methods is not None and method not in methods:
            continue
        try:
            with time_limit(SEARCH_SECONDS[method]):
                found = candidates(body, derivative, var)
        except SearchTimeoutError:
            continue
        for candidate in found:
            if holds(candidate, samples):
                # the shortest way of writing F that still equals g' (tried shortest first: an expanded
                # product can be a thousand times longer, and sampling it costs as much)
                ways = sorted(display_candidates(candidate), key=count_ops)
                return OutputForm(next((w for w in ways if holds(w, samples)), candidate), method)
    return None


def kernel_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    kernel = _exponential_kernel(body, derivative, var)
    if kernel is None:
        return []
    t, to_t = kernel
    # xreplace, not subs: every exponential present is a key, and subs costs 50x more
    g_t, d_t = body.xreplace(to_t), derivative.xreplace(to_t)
    if g_t.has(var) or d_t.has(var) or d_t.has(exp):
        return []
    if any(not isinstance(f, log) for f in (g_t.atoms(Function) | d_t.atoms(Function))):
        return []  # rational in t, or a log of it (softplus): tanh(log(1 + t)) is inversion's
    num, den = g_t.as_numer_denom()
    reduced = _reduced(d_t.as_numer_denom(), G * den - num, t)
    if reduced is not None:
        return [reduced]
    num, den = together(g_t).as_numer_denom()
    # y·Q(t) - P(t) = 0 solved for t (solve only where t sits inside a log: log-sigmoid)
    return [cancel(together(d_t).subs(t, r)) for r in solutions(G * den - num, t)]


def _exponential_kernel(body: Expr, derivative: Expr, var: Symbol) -> tuple[Symbol, dict] | None:
    """t and the substitution e^{k w} -> t^m for every exponential of g and g', when all are of one w."""
    args = [a.args[0] for a in body.atoms(exp) | derivative.atoms(exp) if a.has(var)]
    if not args:
        return None
    w = min(args, key=default_sort_key)
    ratios = [cancel(a / w) for a in args]
    if not all(r.is_Rational for r in ratios):
        return None
    scale = lcm(*[Rational(r).q for r in ratios])
    t = Dummy("t", positive=True)
    return t, {exp(a): t ** int(r * scale) for a, r in zip(args, ratios, strict=True)}


def _reduced(fraction: tuple[Expr, Expr], relation: Expr, t: Symbol) -> Expr | None:
    """g' = N(t)/D(t) as a function of y alone, reduced modulo the relation y·Q(t) - P(t) = a·t^i + b·t^j.

    t > 0, so the relation says t^m = -b/a with m = i - j; every power t^k of N and D becomes
    (-b/a)^(k div m)·t^(k mod m).  When every k is a multiple of m no t is left and F needs no
    roots (the logistic family, tanh); otherwise None, and the caller solves for t.
    """
    if not relation.is_polynomial(t) or not all(e.is_polynomial(t) for e in fraction):
        return None
    terms = Poly(relation, t).terms()
    if len(terms) != 2:
        return None
    ((i,), a), ((j,), b) = terms
    m = i - j
    polys = [Poly(e, t).terms() for e in fraction]
    if any(k % m for p in polys for (k,), _ in p):
        return None
    # in the field of rational functions of y (and the parameters): SymPy's cancel costs 3x more
    field, (a, b, *coefficients) = sfield([a, b, *(c for p in polys for _, c in p)])
    power, coefficient = -b / a, iter(coefficients)
    numerator, denominator = field.zero, field.zero
    for (k,), _ in polys[0]:
        numerator += next(coefficient) * power ** (k // m)
    for (k,), _ in polys[1]:
        denominator += next(coefficient) * power ** (k // m)
    return (numerator / denominator).as_expr()


def _radical_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    """Square roots as symbols s with s² = h: eliminate z and s (a lex Gröbner basis), solve for g'."""
    powers = body.atoms(Pow) | derivative.atoms(Pow)
    radicals = sorted({p.base for p in powers if p.exp.is_Rational and p.exp.q == 2}, key=default_sort_key)
    if not radicals or len(radicals) > 2:
        return []
    roots = [Dummy(f"s{i}", positive=True) for i in range(len(radicals))]
    slope = Dummy("p")

    def algebraic(e: Expr) -> Expr:
        for h, r in zip(radicals, roots, strict=True):
            e = e.replace(
                lambda x, h=h: x.is_Pow and x.base == h and x.exp.is_Rational and x.exp.q == 2,
                lambda x, r=r: r ** int(2 * x.exp),
            )
        return together(e)

    g_num, g_den = algebraic(body).as_numer_denom()
    d_num, d_den = algebraic(derivative).as_numer_denom()
    equations = [G * g_den - g_num, slope * d_den - d_num] + [r**2 - h for h, r in zip(radicals, roots, strict=True)]
    if any(e.has(exp) or not e.is_polynomial(var, *roots, slope, G) for e in equations):
        return []
    basis = groebner(equations, var, *roots, slope, G, order="lex")
    relations = [b for b in basis.exprs if not b.has(var) and not any(b.has(r) for r in roots) and b.has(slope)]
    out: list[Expr] = []
    for relation in relations:
        for factor_, _ in factor_list(relation)[1]:
            if factor_.has(slope) and degree(factor_, slope) <= 2:
                out += solutions(factor_, slope)
    return out


DISPLAY_SECONDS = 1.0
"""How long simplify may look for a shorter way to write a found F."""

SEARCH_SECONDS = {"exponential kernel": 3.0, "algebraic elimination": 3.0, "inversion": 0.5}
"""How long each method may search (SymPy's solve and groebner can run for minutes).

Inversion's solve either answers within milliseconds (13 ms at most on the library) or runs on
for minutes (tanh∘softplus∘tanh∘softplus∘tanh): half a second decides which, where 3 s made a
first derivation of such a chain take 3 s for a "not found".
"""


MAX_INVERSION_OPS = 20
"""SymPy's solve can run for minutes on large expressions: inversion is tried on small ones only."""


def _inversion_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    peeled = _peeled_inverse(body, var)
    if peeled is not None:
        return [derivative.xreplace(peeled).xreplace({var: peeled[var]})]
    # σ counts as written out: a chain σ(σ(...)) is small as text but large for solve
    written = body.replace(lambda e: isinstance(e, sigmoid), lambda e: e.rewrite(exp))
    if count_ops(written) > MAX_INVERSION_OPS:
        return []
    try:
        inverses = solve(body - G, var, check=False, simplify=False)  # holds() checks every candidate
    except (NotImplementedError, ValueError):
        return []
    return [cancel(together(derivative.subs(var, h))) for h in inverses]


INVERSES: dict[type, Callable[[Expr], Expr]] = {
    exp: log,
    log: exp,
    sigmoid: logit,
    tanh: atanh,
    atanh: tanh,
    sinh: asinh,
    asinh: sinh,
    atan: tan,
    erf: erfinv,
}
"""Functions one-to-one on the reals, with their inverses on their ranges."""


def _peeled_inverse(body: Expr, var: Symbol) -> dict[Expr, Expr] | None:
    """Every sub-expression on the path from g down to z, written in y = g, when g is a chain.

    g = f(u) with f one-to-one gives u = f⁻¹(y); a sum or product with one term in z, and
    a reciprocal, undo the same way.  The derivative then takes each of these values where
    it holds the sub-expression (σ(σ(z)) is y, σ(z) is logit(y)), which keeps F as short as
    the derivative and needs no solve: SymPy's writes tanh's inverse as a logarithm of a root,
    and the F it gives took seconds to simplify and to prove.  None when g is no such chain.
    """
    values: dict[Expr, Expr] = {}
    node, value = body, G
    while node != var:
        values[node] = value
        inner = [a for a in node.args if a.has(var)]
        if len(inner) != 1:
            return None
        (arg,) = inner
        if type(node) in INVERSES and len(node.args) == 1:
            value = INVERSES[type(node)](value)
        elif node.is_Add:
            value = value - (node - arg)
        elif node.is_Mul:
            value = value * arg / node
        elif node.is_Pow and node.base == arg and node.exp == -1:
            value = 1 / value
        else:
            return None
        node = arg
    values[var] = value
    return values


_METHODS = (
    ("exponential kernel", kernel_candidates),
    ("algebraic elimination", _radical_candidates),
    ("inversion", _inversion_candidates),
)


@dataclass(frozen=True)
class Samples:
    """g and g' at points spread over an interval, computed once for all the candidates tried."""

    var: Symbol
    parameters: dict
    points: tuple[tuple[Any, Any], ...] | None  # (g(z0), g'(z0)) as mpmath numbers; None where g cannot be evaluated


SAMPLE_DIGITS = 30


def sample(body: Expr, derivative: Expr, var: Symbol, interval: tuple[float, float] = (-3.0, 3.0)) -> Samples:
    """g and g' at 12 points of the interval where both are real, at 30 digits, parameters in [0.5, 2].

    Points outside g's real domain (z < 0 for log z) are passed over; fewer than 6 real points
    in 48 draws, and there is nothing to test a candidate against.
    """
    lo, hi = interval
    rng = random.Random(0)
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


DISPLAY_MAX_EXPANDED_TERMS = 64
"""An expansion longer than this is never the shortest way to write F (σ∘…∘σ's F has 2^depth)."""


def display_candidates(f: Expr) -> list[Expr]:
    """Ways to write F, shortest wins: factored (g(1 - g)), expanded (1 - g²), simplified.

    Some rewrites here hold only where their bases are positive (powdenest with
    force); the caller keeps only those that still equal g' on the domain.
    """
    out = [_factored(f)]
    if expanded_terms(f) <= DISPLAY_MAX_EXPANDED_TERMS:
        out.append(expand(f))
    out.append(f)  # as found: shortest for a peeled chain, whose factors are the derivative's own
    # simplify is for trigonometric, hyperbolic and radical forms (1/sqrt(sinh²g + 1) is 1/cosh g);
    # an F in g and e^g only needs expand (1 - e^{-g})
    if f.has(TrigonometricFunction, HyperbolicFunction) or any(not p.exp.is_Integer for p in f.atoms(Pow)):
        try:
            with time_limit(DISPLAY_SECONDS):  # simplify can take minutes (LambertW forms)
                simple = simplify(f)
                out += [simple, simplify(powdenest(simple, force=True)), factor(radsimp(simple))]
        except SearchTimeoutError:
            pass
    return out


def display_form(f: Expr) -> Expr:
    """F written as people write it (without the domain check: for rational F, else simplified)."""
    if not f.is_rational_function(G):
        simple = simplified(f, DISPLAY_SECONDS)
        return min([_factored(f), *([simple] if simple is not None else [])], key=count_ops)
    # a product shows where g' vanishes: it wins a near tie (-2g(1 - g²) over 2g³ - 2g)
    return min([_factored(f), _content_factored(f), expand(f)], key=lambda e: count_ops(e) - 1.5 * e.is_Mul)


def _content_factored(f: Expr) -> Expr:
    """The common factor of the terms pulled out: -2g(1 - g²)."""
    shown = factor_terms(expand(f))
    coefficient, rest = shown.as_coeff_Mul()
    factors = []
    for part in Mul.make_args(rest):
        if part.is_Add and part.subs(G, 0).is_negative:
            part, coefficient = -part, -coefficient
        factors.append(part)
    return Mul(coefficient, *factors)


def _positive_constants(product: Expr) -> Expr:
    """Each sum in a product with its constant term positive: (g - 1)(logit(g) - 1) is (1 - g)(1 - logit(g))."""
    coefficient, factors = S.One, []
    for part in Mul.make_args(product):
        base, power = part.as_base_exp()
        if base.is_Add and base.as_coeff_Add()[0].is_negative and power.is_Integer:
            base, coefficient = -base, coefficient * (-1) ** power
        factors.append(Pow(base, power))
    return Mul(coefficient, *factors)


def _factored(f: Expr) -> Expr:
    """factor(F) with each factor's constant term made positive: -g(g - 1) is g(1 - g)."""
    if not f.is_rational_function(G):
        return _positive_constants(factor(f))
    num, den = cancel(f).as_numer_denom()
    out = S.One
    for part, sign in ((num, 1), (den, -1)):
        coefficient, factors = factor_list(part, G)
        for base, power in factors:
            if base.subs(G, 0).is_negative:
                base, coefficient = -base, coefficient * (-1) ** power
            out *= Pow(base, sign * power)
        out *= coefficient**sign
    return out


# --- the steps ------------------------------------------------------------


def output_steps(form: OutputForm, body: Expr, g_of_var: Expr, quantity: str) -> list[Step]:
    """The lecture's last two lines: g' through the pieces of g, then F(g(z))."""
    shown_f = board.board_form(form.expr)
    steps = []
    pieces = _as_fraction(board.board_form(body))
    if pieces is not None and form.expr.is_polynomial(G):
        rearranged = _through_pieces(shown_f, *pieces)
        steps.append(
            Step(quantity, rearranged, ("rearrange",), "rearrange: write the result through the pieces of g = N/D")
        )
    final = board.substitute(shown_f, {G: g_of_var})
    why = f"substitute g(z) for its definition ({form.method} found g' = F(g))"
    steps.append(Step(quantity, final, ("output form",), why))
    return steps


def _as_fraction(shown: Expr) -> tuple[Expr, Expr] | None:
    """(N, D) when the written-out g is N/D."""
    quotient = board.as_quotient(shown)
    if quotient is not None:
        return quotient
    if board.is_reciprocal(shown) and shown.exp == -1:
        return S.One, shown.base
    return None


def _through_pieces(shown_f: Expr, num: Expr, den: Expr) -> Expr:
    """F with g = N/D put in: sums inside products over D^k, powers of g as N^k/D^k."""

    def put(e: Expr, in_product: bool) -> Expr:
        if e == G:
            return board.quotient(num, den)
        if e.is_Pow and e.base == G and e.exp.is_Integer and e.exp > 0:
            return board.quotient(_power(num, e.exp), den, int(e.exp))
        if e.is_Add and in_product and e.is_polynomial(G):
            return _over_denominator(e, num, den)
        if not e.args:
            return e
        inside = e.is_Mul and board.as_negation(e) is None
        return board.rebuild(e, tuple(put(a, inside) for a in e.args))

    return put(shown_f, False)


def _power(e: Expr, k: Integer) -> Expr:
    if k == 0:
        return S.One
    return e if k == 1 or e == S.One else Pow(e, k, evaluate=False)


def _over_denominator(poly: Expr, num: Expr, den: Expr) -> Expr:
    """Σ c_i g^{k_i} as one fraction over D^K, D's own terms written out where D stands alone."""
    terms = [board.evaluate(t).as_coeff_exponent(G) for t in poly.args]
    top = max(int(k) for _, k in terms)
    written: list[Expr] = []
    for coefficient, k in terms:
        c = coefficient.as_coeff_Mul()[0] if coefficient.is_Number else coefficient
        magnitude = board.product(
            *([] if abs(c) == 1 else [abs(c)]), _power(num, k) if k else S.One, _power(den, top - k)
        )
        if magnitude == den and den.is_Add and c > 0:
            written.extend(den.args)
        else:
            written.append(board.neg(magnitude) if c < 0 else magnitude)
    return board.quotient(Add(*written, evaluate=False), den, top)


def g_function(var: Symbol) -> Expr:
    """g(z), the function itself, as the output form names it."""
    return Function("g")(var)
