"""The exponential kernel: g and g' rational in t = e^{w/L}, z eliminated by polynomial algebra.

When every exponential of g and g' is e^{k w} with rational k and one w, write t = e^{w/L}:
g = P(t)/Q(t) gives the relation y·Q(t) - P(t) = 0, and g' = N(t)/D(t) is reduced modulo it
(``_reduced``), or, where that leaves a t, the relation is solved for t.  This covers the logistic
family (any scale, shift or way of writing it), tanh, softplus and log-sigmoid.
"""

from __future__ import annotations

from math import lcm

from sympy import Dummy, Expr, Function, Poly, Rational, Symbol, cancel, cosh, exp, log, sinh, together
from sympy.core.sorting import default_sort_key
from sympy.polys.fields import sfield

from derive.engine.compute import solutions
from derive.knowledge.symbols import G
from derive.output_form.method import Method


def kernel_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    if body.has(sinh, cosh):  # sinh and cosh are exponentials: sinh(z)/cosh(z) is tanh's kernel
        body, derivative = body.rewrite(exp), derivative.rewrite(exp)
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
    try:
        found = solutions(G * den - num, t)
    except NotImplementedError:
        return []
    return [cancel(together(d_t).subs(t, r)) for r in found]


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


METHOD = Method("exponential kernel", kernel_candidates, max_nodes=3000)
"""Polynomial arithmetic in t: fast on large expressions (σ∘…∘σ of depth 20 has about 2000 nodes)."""
