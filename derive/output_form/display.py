"""How a found F is shown: the shortest of its factored, expanded and simplified forms.

One policy for every order: ``display_candidates`` offers the ways to write F (the search keeps
the shortest that still equals g' at the sample points), ``display_form`` writes a higher
derivative's F, where a product that shows the zeros wins a near tie.  Every sum in a product is
written with its constant term positive: g(1 - g), not -g(g - 1).
"""

from __future__ import annotations

import math

from sympy import (
    Add,
    Dummy,
    Expr,
    Mul,
    Pow,
    Rational,
    S,
    Symbol,
    cancel,
    count_ops,
    exp,
    expand,
    factor_list,
    factor_terms,
    powdenest,
    preorder_traversal,
    radsimp,
    simplify,
)
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from derive.engine.compute import expanded_terms, factored, larger_than
from derive.knowledge.functions import logit, sigmoid
from derive.knowledge.symbols import G

DISPLAY_MAX_NODES = 400
"""A found F larger than this is shown as found (σ∘…∘σ of depth 12 has about 300 nodes)."""

SIMPLIFY_MAX_NODES = 80
"""simplify looks for a shorter way to write a found F of at most this many nodes (the library's are
under 40; on large forms, LambertW's, it runs for minutes)."""

DISPLAY_MAX_EXPANDED_TERMS = 64
"""An expansion longer than this is never the shortest way to write F (σ∘…∘σ's F has 2^depth)."""


def simplicity(f: Expr) -> tuple[int, int, int, int]:
    """What "shortest" measures: operations first (SymPy's count_ops, a fractional power other
    than a square root counting as two: a power and a root), then the terms of the top sum (a
    product wins the tie: a(1 - g²) over a - a·g²), then the factors of a product (more zeros
    shown: 2g(1 - √g) over 2(g - g^{3/2})), then the size of the tree."""
    roots = sum(1 for p in f.atoms(Pow) if p.exp.is_Rational and not p.exp.is_Integer and abs(p.exp) != S.Half)
    nodes = sum(1 for _ in preorder_traversal(f))
    return count_ops(f) + roots, len(Add.make_args(f)), -len(Mul.make_args(f)), nodes


def display_candidates(f: Expr) -> list[Expr]:
    """Ways to write F, shortest wins: factored (g(1 - g)), expanded (1 - g²), simplified.

    Some rewrites here hold only where their bases are positive (powdenest with
    force); the caller keeps only those that still equal g' on the domain.
    """
    if larger_than(f, DISPLAY_MAX_NODES):  # factor and expand on a large radical form run for minutes
        return [f]
    out = [_factored(f)]
    if expanded_terms(f) <= DISPLAY_MAX_EXPANDED_TERMS:
        if f.is_polynomial(G):  # the common factor pulled out, positive in front: a(1 - g²), not a - a·g²
            out.append(_content_factored(f))
        out.append(expand(f))
    out.append(f)  # as found: shortest for a peeled chain, whose factors are the derivative's own
    # simplify is for trigonometric, hyperbolic and radical forms (1/sqrt(sinh²g + 1) is 1/cosh g);
    # an F in g and e^g only needs expand (1 - e^{-g})
    special = f.has(TrigonometricFunction, HyperbolicFunction) or any(not p.exp.is_Integer for p in f.atoms(Pow))
    if special and not larger_than(f, SIMPLIFY_MAX_NODES):  # simplify can take minutes on large forms
        # σ and logit written out first: σ(log y) is y/(1 + y), which simplify does not know by name
        simple = simplify(_written_out(f))
        out += [simple, simplify(powdenest(simple, force=True)), factored(radsimp(simple))]
        out += [_factored_in_root(simple), powdenest(_signs_inside(f), force=True), _powers_split(out[0])]
    return out


def _powers_split(f: Expr) -> Expr:
    """A root of a quotient split into roots of its factors, their signs made positive and the powers of
    one base combined: 4(-g/(g - 1))^{3/4}(g - 1)² is 4g^{3/4}(1 - g)^{5/4}. Holds where those factors
    are positive (0 < g < 1 here): the caller keeps it only where it still equals g'."""

    def root_of_quotient(e: Expr) -> bool:
        return (
            e.is_Pow
            and not e.exp.is_Integer
            and e.base.is_Mul
            and any(q.is_Pow and q.exp.is_negative for q in e.base.args)
        )

    if not f.has(Pow) or not any(root_of_quotient(e) for e in f.atoms(Pow)):
        return f  # nothing to split (the common case: no time spent)
    signed = f.replace(root_of_quotient, lambda e: Pow(_positive_constants(factored(e.base)), e.exp))
    signed = _positive_constants(signed) if signed.is_Mul else signed
    # each base a positive symbol: SymPy then splits and combines the powers itself
    bases = {b: Dummy("b", positive=True) for b in [G, *signed.atoms(Add)]}
    return signed.xreplace(bases).xreplace({d: b for b, d in bases.items()})


def _written_out(f: Expr) -> Expr:
    """F with derive's own functions (σ, logit) in their elementary formulas."""
    return f.replace(lambda e: isinstance(e, (sigmoid, logit)), lambda e: e.rewrite(exp))


def _factored_in_root(f: Expr) -> Expr:
    """F factored as a polynomial in g^(1/q): 2g - 2g^{3/2} is 2g(1 - √g)."""
    q = math.lcm(*(int(p.exp.q) for p in f.atoms(Pow) if p.base == G and p.exp.is_Rational))
    if q == 1:
        return f
    root = Dummy("s", positive=True)
    in_root = powdenest(f.subs(G, root**q), force=True)
    if not in_root.is_rational_function(root):
        return f
    return _factored(in_root.subs(root, G), G).subs(G, G ** Rational(1, q))


def _signs_inside(f: Expr) -> Expr:
    """-(u)^n with n odd written (-u)^n, the constant term of u made positive: √(-(αg² - 1)³) is √((1 - αg²)³)."""

    def visit(e: Expr) -> Expr:
        inner = -e
        if e.could_extract_minus_sign() and inner.is_Pow and inner.exp.is_odd and inner.base.is_Add:
            return Pow(-inner.base, inner.exp)
        return e

    return f.replace(lambda e: e.is_Mul, visit)


def display_form(f: Expr) -> Expr:
    """F written as people write it (without the domain check: for rational F, else simplified)."""
    if not f.is_rational_function(G):
        simple = [] if larger_than(f, SIMPLIFY_MAX_NODES) else [simplify(f)]
        return min([_factored(f), *simple], key=count_ops)
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
    # Mul(2/3, 1 - g²) would distribute its number over the sum: kept unevaluated, as written
    return Mul(coefficient, *factors, evaluate=not (coefficient.is_Number and len(factors) == 1 and factors[0].is_Add))


def _positive_constants(product: Expr) -> Expr:
    """Each sum in a product with its constant term positive: (g - 1)(logit(g) - 1) is (1 - g)(1 - logit(g))."""
    coefficient, factors = S.One, []
    for part in Mul.make_args(product):
        base, power = part.as_base_exp()
        if base.is_Add and base.as_coeff_Add()[0].is_negative and power.is_Integer:
            base, coefficient = -base, coefficient * (-1) ** power
        factors.append(Pow(base, power))
    return Mul(coefficient, *factors)


def _factored(f: Expr, g: Symbol = G) -> Expr:
    """factor(F) with each factor's constant term made positive: -g(g - 1) is g(1 - g)."""
    if not f.is_rational_function(g):
        return _positive_constants(factored(f))
    num, den = cancel(f).as_numer_denom()
    out = S.One
    for part, sign in ((num, 1), (den, -1)):
        coefficient, factors = factor_list(part, g)
        for base, power in factors:
            if base.subs(g, 0).is_negative:
                base, coefficient = -base, coefficient * (-1) ** power
            out *= Pow(base, sign * power)
        out *= coefficient**sign
    return out
