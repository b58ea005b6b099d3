"""Inversion: z written in y = g(z), then put into g'(z).

A chain of one-to-one functions is peeled from the outside (``_peeled_inverse``): σ(σ(z)) = y
gives σ(z) = logit(y) and z = logit(logit(y)), the inverses from derive.knowledge.registry.  Otherwise
SymPy's ``solve`` inverts y = g(z), on small expressions only (it can run for minutes).
"""

from __future__ import annotations

from sympy import (
    Expr,
    Mul,
    Poly,
    Rational,
    Symbol,
    cancel,
    count_ops,
    degree,
    exp,
    expand,
    factor,
    factor_list,
    solve,
    sqrt,
    together,
)

from derive.engine.compute import larger_than, solvable
from derive.knowledge import registry
from derive.knowledge.functions import cbrt, sigmoid
from derive.knowledge.symbols import G
from derive.output_form.method import Method

MAX_INVERSION_OPS = 20
"""SymPy's solve can run for minutes on large expressions: inversion is tried on small ones only."""

CANCEL_MAX_NODES = 200
"""The largest g'(inverse) that is cancelled (the library's have under 50 nodes)."""


def inversion_candidates(body: Expr, derivative: Expr, var: Symbol) -> list[Expr]:
    peeled = _peeled_inverse(body, var)
    if peeled is not None:
        return [derivative.xreplace(peeled).xreplace({var: peeled[var]})]
    # σ counts as written out: a chain σ(σ(...)) is small as text but large for solve
    written = body.replace(lambda e: isinstance(e, sigmoid), lambda e: e.rewrite(exp))
    root = _cubic_root(written, var)
    if root is not None:  # Cardano's root, named once: F = g'(r) with r = u - p/(3u) and u a cube root
        return [factor(derivative).subs(var, root)]
    if count_ops(written) > MAX_INVERSION_OPS or not solvable(written - G, var):
        return []
    try:
        inverses = solve(body - G, var, check=False, simplify=False)  # holds() checks every candidate
    except (NotImplementedError, ValueError):
        return []
    # cancel on a root of a cubic in a parameter (Cardano's radicals) runs for minutes: large ones stay as they are
    put = [derivative.subs(var, h) for h in inverses]
    return [f if larger_than(f, CANCEL_MAX_NODES) else cancel(together(f)) for f in put]


def _cubic_root(body: Expr, var: Symbol) -> Expr | None:
    """The real root z of g(z) = y for a rational g whose numerator of g - y is a cubic in z with one
    real root for every y: Cardano's t = u - p/(3u) after the shift z = t - b/(3a), where
    u³ = -q/2 + s and s² = q²/4 + p³/27 (either square root gives the same t).  SymPy's solve writes
    the same root as four terms of nested radicals; here the cube root is named once.

    Two cases are taken: p > 0 for every y (s = √(...), the radicand positive, its principal cube
    root the real one), and a discriminant that is a square in y (s a polynomial, no |...|): tanh's
    triple angle z(3 + z²)/(1 + 3z²), where p changes sign and u³ with it, takes real cube roots,
    t = ∛(-q/2 + s) + ∛(-q/2 - s), since their product is -p/3.
    """
    if not body.is_rational_function(var):
        return None
    numerator = together(body - G).as_numer_denom()[0]
    if not numerator.is_polynomial(var) or degree(numerator, var) != 3:
        return None
    a, b, c, d = Poly(numerator, var).all_coeffs()
    shift = -b / (3 * a)
    p = cancel((3 * a * c - b**2) / (3 * a**2))
    q = cancel((2 * b**3 - 9 * a * b * c + 27 * a**2 * d) / (27 * a**3))
    discriminant = expand(q**2 / 4 + p**3 / 27)
    if p.is_positive:
        u = (factor(-q / 2) + sqrt(discriminant)) ** Rational(1, 3)
    else:
        s = _square_root(discriminant)
        if s is None:  # p changes sign, and no root without |...|: the checker would split it for minutes
            return None
        # u·v = -p/3 with v³ = -q/2 - s: two real cube roots, t = u + v, each radicand factored
        u, v = cbrt(factor(-q / 2 + s)), cbrt(factor(-q / 2 - s))
        return u + v + shift
    return u - p / (3 * u) + shift


def _square_root(e: Expr) -> Expr | None:
    """A polynomial s with s² = e, when e (a polynomial in y) is a square; None otherwise."""
    if not e.is_polynomial(G):
        return None
    coefficient, factors = factor_list(e, G)
    if coefficient.is_negative or any(k % 2 for _, k in factors):
        return None
    return sqrt(coefficient) * Mul(*(f ** (k // 2) for f, k in factors))


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
            moebius = _moebius_inverse(node, var, value)
            if moebius is None:
                return None
            values[var] = moebius
            return values
        (arg,) = inner
        inverse = registry.inverses().get(type(node))
        if inverse is not None and len(node.args) == 1:
            value = inverse(value)
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


def _moebius_inverse(node: Expr, var: Symbol, value: Expr) -> Expr | None:
    """z from (a z + b)/(c z + d) = value, the last link of a chain (the logit's z/(1 - z): z = v/(1 + v))."""
    if larger_than(node, 40) or not node.is_rational_function(var):
        return None
    num, den = together(node).as_numer_denom()
    if not (num.is_polynomial(var) and den.is_polynomial(var)) or max(degree(num, var), degree(den, var)) > 1:
        return None
    a, b = Poly(num, var).all_coeffs() if degree(num, var) == 1 else (0, num)
    c, d = Poly(den, var).all_coeffs() if degree(den, var) == 1 else (0, den)
    if cancel(a * d - b * c) == 0:  # a constant, not one-to-one
        return None
    return (d * value - b) / (a - c * value)


METHOD = Method("inversion", inversion_candidates, max_nodes=10**6)
"""Peeling is linear in the chain's length; SymPy's solve is tried only on small g
(MAX_INVERSION_OPS)."""
