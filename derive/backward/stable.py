"""Formulas rewritten for floating point before they are printed as code, and back for the proof.

log(1 + e^u) overflows where softplus(u) does not; 1/(1 + e^{-u}) is σ(u); e^u - 1 loses every digit
near 0 where expm1(u) keeps them, log(1 + u) likewise with log1p; 1 + erf(u) loses them where erf(u)
is near -1 (GELU for x ≪ 0), erfc(-u) keeps them; 1 + tanh(u) is 2σ(2u), 1 - σ(v) is σ(-v), 1 - tanh(u)² is 1/cosh(u)²
for the same reason.  Each rewrite is an identity: ``written_out`` undoes them all (1/cosh² is
left to the checker), and the checker proves the code's formula in that form.
"""

from __future__ import annotations

from collections.abc import Callable

from sympy import Add, Expr, Max, Min, Pow, S, cosh, erf, exp, log, tanh
from sympy.codegen.cfunctions import expm1, log1p
from sympy.codegen.rewriting import expm1_opt, log1p_opt, optimize

from derive.engine import piecewise
from derive.knowledge.functions import erfc, sigmoid, softplus


def stable(expr: Expr) -> Expr:
    """expr with softplus, σ, erfc, expm1 and log1p where they apply, max and min as pieces."""
    if expr.has(Max, Min):
        expr = piecewise.flat(expr)
    expr = expr.replace(_is_log_one_plus_exp, lambda e: softplus(_exp_argument(e.args[0])))
    expr = expr.replace(_is_logistic, lambda e: sigmoid(-_exp_argument(e.base)))
    expr = expr.replace(lambda e: isinstance(e, Add), _one_plus_in_sum)
    expr = expr.replace(lambda e: _one_minus_sigmoid(e) is not None, lambda e: sigmoid(-_one_minus_sigmoid(e)))
    expr = expr.replace(lambda e: _sech_squared(e) is not None, lambda e: cosh(_sech_squared(e)) ** -2)
    return optimize(expr, [expm1_opt, log1p_opt])


def written_out(expr: Expr) -> Expr:
    """The rewrites of ``stable`` undone: elementary functions only, for the checker."""
    formulas = {
        softplus: lambda u: log(1 + exp(u)),
        expm1: lambda u: exp(u) - 1,
        log1p: lambda u: log(1 + u),
        erfc: lambda u: 1 - erf(u),
    }
    return expr.replace(lambda e: type(e) in formulas, lambda e: formulas[type(e)](e.args[0]))


def _exp_argument(one_plus_exp: Expr) -> Expr | None:
    """u when the expression is 1 + e^u."""
    if not isinstance(one_plus_exp, Add) or len(one_plus_exp.args) != 2:
        return None
    one, e = sorted(one_plus_exp.args, key=lambda a: not a.is_Number)
    return e.args[0] if one == S.One and isinstance(e, exp) else None


def _one_minus_sigmoid(e: Expr) -> Expr | None:
    """v when e is 1 - σ(v), which is σ(-v) and keeps its digits where σ(v) is near 1."""
    if not isinstance(e, Add) or len(e.args) != 2 or S.One not in e.args:
        return None
    (rest,) = [a for a in e.args if a != S.One]
    return rest.args[1].args[0] if rest.is_Mul and rest.args[0] == -1 and isinstance(rest.args[1], sigmoid) else None


def _sech_squared(e: Expr) -> Expr | None:
    """u when e is 1 - tanh(u)², which cancels to nothing where tanh(u) is near ±1 (1/cosh(u)² does not)."""
    if not isinstance(e, Add) or len(e.args) != 2 or S.One not in e.args:
        return None
    (rest,) = [a for a in e.args if a != S.One]
    square = -rest
    if square.is_Pow and square.exp == 2 and isinstance(square.base, tanh):
        return square.base.args[0]
    return None


ONE_PLUS: dict[type, Callable[[Expr], Expr]] = {erf: lambda u: erfc(-u), tanh: lambda u: 2 * sigmoid(2 * u)}
"""1 + f(u) without cancellation where f(u) is near -1."""


def _one_plus_in_sum(e: Expr) -> Expr:
    """c + c·f(u) in a sum written c·(1 + f(u)) in its stable form: 1/2 + tanh(u)/2 is σ(2u)."""
    constant, rest = e.as_coeff_Add()
    if constant == 0:
        return e
    terms = list(Add.make_args(rest))
    for i, term in enumerate(terms):
        inner = term / constant
        if type(inner) in ONE_PLUS:
            others = terms[:i] + terms[i + 1 :]
            return Add(constant * ONE_PLUS[type(inner)](inner.args[0]), *others)
    return e


def _is_log_one_plus_exp(e: Expr) -> bool:
    return isinstance(e, log) and _exp_argument(e.args[0]) is not None


def _is_logistic(e: Expr) -> bool:
    return isinstance(e, Pow) and e.exp == -1 and _exp_argument(e.base) is not None
