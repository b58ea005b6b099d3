"""Algebraic elimination: square roots as symbols s with s² = h, z and s eliminated by a Gröbner basis.

For g and g' rational in z and at most two square roots (ISRU, squareplus, the bent identity):
the equations y·Q - P = 0, p·D - N = 0 and s² - h = 0 in lex order eliminate z and the roots,
leaving polynomials in the slope p and y, solved for p.
"""

from __future__ import annotations

from sympy import Dummy, Expr, Pow, Symbol, degree, exp, factor_list, groebner, together
from sympy.core.sorting import default_sort_key

from derive.engine.compute import solutions
from derive.knowledge.symbols import G
from derive.output_form.method import Method


def radical_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
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


METHOD = Method("algebraic elimination", radical_candidates, max_nodes=300)
"""A Gröbner basis grows fast with the equations: the library's (ISRU, squareplus, the bent identity)
have under 60 nodes."""
