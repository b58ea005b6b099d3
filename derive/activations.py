"""The library of activation functions: data, one entry per function.

Each entry gives the function by name (the lecture's first line, σ(z)) and
written out in elementary functions (its second line, 1/(1 + e^{-z})); for σ
and tanh the written-out form is SymPy's own rewrite in exponentials.
Parameters are positive real constants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Expr, Function, Symbol, atan, exp, log, sqrt, tanh

from derive.errors import UnknownActivationError
from derive.functions import sigmoid
from derive.parse import symbol


@dataclass(frozen=True)
class Activation:
    """An activation function: ``build(z)`` gives (the named form, the written-out form)."""

    name: str
    title: str
    build: Callable[[Symbol], tuple[Expr, Expr]]
    aliases: tuple[str, ...] = ()


def _named(name: str) -> Callable[[Symbol], Expr]:
    return Function(name)


def _exp_rewrite(f: Callable[[Symbol], Expr]) -> Callable[[Symbol], tuple[Expr, Expr]]:
    return lambda z: (f(z), f(z).rewrite(exp))


def _by_name(name: str, body: Callable[[Symbol], Expr]) -> Callable[[Symbol], tuple[Expr, Expr]]:
    return lambda z: (_named(name)(z), body(z))


LIBRARY: tuple[Activation, ...] = (
    Activation("sigmoid", "Logistic function", _exp_rewrite(sigmoid), ("logistic", "sigma", "σ")),
    Activation("tanh", "tanh", _exp_rewrite(tanh), ("hyperbolic_tangent",)),
    Activation("softplus", "Softplus", _by_name("softplus", lambda z: log(1 + exp(z)))),
    Activation("exp", "Exponential", lambda z: (exp(z), exp(z)), ("exponential",)),
    Activation("arctan", "Arctangent", lambda z: (atan(z), atan(z)), ("atan",)),
    Activation("softsign", "Softsign", _by_name("softsign", lambda z: z / (1 + abs(z)))),
    Activation("swish", "Swish (SiLU)", _by_name("swish", lambda z: z / (1 + exp(-symbol("beta") * z))), ("silu",)),
    Activation("gaussian", "Gaussian", _by_name("gaussian", lambda z: exp(-(z**2))), ("gauss",)),
    Activation("isru", "Inverse square root unit", _by_name("ISRU", lambda z: z / sqrt(1 + symbol("alpha") * z**2))),
)

_BY_NAME: dict[str, Activation] = {key: a for a in LIBRARY for key in (a.name, *a.aliases)}


def lookup(name: str) -> Activation | None:
    """The activation called ``name`` (or one of its aliases), or None."""
    return _BY_NAME.get(name.strip().lower())


def require(name: str) -> Activation:
    """The activation called ``name``; an UnknownActivationError listing the known ones otherwise."""
    found = lookup(name)
    if found is None:
        known = ", ".join(a.name for a in LIBRARY)
        raise UnknownActivationError(f"unknown activation {name!r}; known: {known}")
    return found
