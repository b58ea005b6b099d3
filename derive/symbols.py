"""The symbols every stage shares: the variable, the parameters, g and g(z), and the quantities' names."""

from __future__ import annotations

from sympy import Expr, Function, Symbol

G = Symbol("g")
"""The symbol output forms are written in: g' = F(g)."""


def variable(name: str = "z") -> Symbol:
    """The variable differentiated in: a real symbol."""
    return Symbol(name, real=True)


def parameter(name: str) -> Symbol:
    """Every other name: a positive real constant (α, β, λ, ...)."""
    return Symbol(name, positive=True)


def g_function(var: Symbol) -> Expr:
    """g(z), the function itself, as the steps and the output form name it."""
    return Function("g")(var)


def in_g(form: Expr, var: Symbol) -> Expr:
    """F(g(z)): an output form F(g) written with g(z) for g."""
    return form.subs(G, g_function(var))


def quantity_name(order: int) -> str:
    """g, g', g'', ... for the derivative of the given order."""
    return "g" + "'" * order
