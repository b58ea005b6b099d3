"""What is differentiated: a library name, or an expression read through the whitelist parser.

The one place where the library of activations (derive.activations) meets the parser
(derive.parse): a library name is looked up, an expression is parsed with the library's
activations callable by name (softplus(z)).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sympy import Expr, Symbol

from derive import activations
from derive.errors import NoVariableError, ParseError
from derive.parse import parse_expression
from derive.symbols import variable

_IDENTIFIER = re.compile(r"[A-Za-z_σ][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Function:
    """What is differentiated: g(var) = head (by name) = body (written out)."""

    name: str
    title: str
    variable: Symbol
    head: Expr | None
    body: Expr


def resolve(target: str | Expr, var: str = "z") -> Function:
    """A library name or an expression (SymPy syntax, through the whitelist) as a Function."""
    z = variable(var)
    if isinstance(target, Expr):
        body = target.subs(Symbol(var), z)
        return _checked(Function(str(target), str(target), z, None, body), var)
    text = target.strip()
    if _IDENTIFIER.fullmatch(text) and text != var:
        entry = activations.require(text)
        head, body = entry.build(z)
        return Function(entry.name, entry.title, z, head, body)
    body = expression(text, var)
    if not body.has(z) and var == "z" and len(body.free_symbols) == 1:
        (only,) = body.free_symbols
        return resolve(text, only.name)
    return _checked(Function(text, text, z, None, body), var)


def expression(text: str, var: str = "z") -> Expr:
    """User text as an expression in ``var``, the library's activations callable by name."""
    return parse_expression(text, var, library=library_function)


def library_function(name: str) -> Callable[..., Expr] | None:
    """A library activation called by name, as softplus(z) or sigmoid(2*z); None for other names."""
    entry = activations.lookup(name)
    if entry is None:
        return None
    dummy = variable("_u")
    _, body = entry.build(dummy)

    def call(arg: Expr, *rest: Expr) -> Expr:
        if rest:
            raise ParseError(f"{name}() takes one argument")
        return body.subs(dummy, arg)

    return call


def _checked(function: Function, var: str) -> Function:
    if not function.body.has(function.variable):
        raise NoVariableError(f"the expression does not depend on the variable {var}")
    return function
