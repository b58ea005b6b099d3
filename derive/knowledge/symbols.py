"""The symbols every stage shares: the variable, the parameters, g and g(z), and the quantities' names."""

from __future__ import annotations

import re

from sympy import Expr, Function, Symbol

from derive.errors import ParseError

G = Symbol("g")
"""The symbol output forms are written in: g' = F(g)."""

SLOPE = Symbol("g'")
"""g' as a word of a reason ("g' = F(g), found by ..."), renamed with g."""


NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
"""A name a user may give the variable: ASCII letters, digits and _, a letter first (theta, x_1). Every
output prints it as it is (in TeX, Python and HTML), so nothing else is taken."""


def checked_name(name: str, what: str = "the variable") -> str:
    """``name`` when it is a NAME, else a ParseError that says what is allowed."""
    if NAME.fullmatch(name) is None:
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise ParseError(f"{what} must be a name: a letter, then letters, digits or _ (at most 32), not {shown!r}")
    return name


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


def renaming(symbol: str, var: Symbol, orders: int = 4) -> dict[Expr, Expr]:
    """What the outputs write for g when the function has a name of its own (f of f(x) = ...): g(z) as
    f(x), the symbol g as f, g' as f'."""
    if symbol == "g":
        return {}
    mapping: dict[Expr, Expr] = {G: Symbol(symbol), g_function(var): Function(symbol)(var)}
    for k in range(1, orders + 1):
        mapping[Symbol("g" + "'" * k)] = Symbol(symbol + "'" * k)
    return mapping


def renamed_quantity(quantity: str, symbol: str) -> str:
    """g'' as f'' for a function named f."""
    return symbol + quantity[1:] if quantity.startswith("g") else quantity
