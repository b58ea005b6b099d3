"""What is differentiated: a library name, or an expression read through the whitelist parser.

The one place where the library of activations (derive.activations) meets the parser
(derive.parse): a library name is looked up, an expression is parsed with the library's
activations callable by name (softplus(z)).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from sympy import Expr, Symbol

from derive import activations, piecewise, registry
from derive.errors import AmbiguousVariableError, NoVariableError, ParseError, UnknownActivationError
from derive.parse import parse_expression
from derive.symbols import variable

USUAL_VARIABLES = ("z", "x", "t", "y", "u", "v", "w", "s")
"""Names read as the variable when --var is not given: z if present, else the only one of these."""

_IDENTIFIER = re.compile(r"[A-Za-z_σ][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Function:
    """What is differentiated: g(var) = head (by name) = body (written out)."""

    name: str
    title: str
    variable: Symbol
    head: Expr | None
    body: Expr


def resolve(target: str | Expr, var: str | None = None, notation: str = "auto") -> Function:
    """A library name or an expression (math notation, SymPy syntax or LaTeX) as a Function.

    Without ``var`` the variable is z; in an expression without z, the only name, or else the only
    usual variable name among them (x in a·x + b); several (x and y) are an AmbiguousVariableError.
    """
    chosen = var or "z"
    z = variable(chosen)
    if isinstance(target, Expr):
        body = target.subs(Symbol(chosen), z)
        return _checked(Function(str(target), str(target), z, None, body), chosen)
    text = target.strip()
    bare = _IDENTIFIER.fullmatch(text) is not None and text != chosen
    if bare:
        entry = activations.lookup(text)
        if entry is not None:
            head, body = entry.build(z)
            return Function(entry.name, entry.title, z, head, body)
        _refuse_near_miss(text)
    body = piecewise.flattened(expression(text, chosen, notation))
    if var is None and not body.has(z):
        if bare and len(text) > 1 and not any(s.name in USUAL_VARIABLES for s in body.free_symbols):
            # a word that is no library name and holds no variable: not an expression in a parameter
            raise UnknownActivationError(f"unknown activation {text!r}; `derive list` names the library")
        inferred = _inferred_variable(body)
        if inferred is not None:
            return resolve(text, inferred, notation)
    return _checked(Function(text, text, z, None, body), chosen)


def _refuse_near_miss(name: str) -> None:
    """A bare word that is almost a library name is a typo, not an expression in a parameter."""
    near = difflib.get_close_matches(name.lower(), activations.names(), n=1, cutoff=0.75)
    if near and registry.by_name().get(name) is None:
        raise UnknownActivationError(f"unknown activation {name!r}; did you mean {near[0]}? (`derive list` names them)")


def _inferred_variable(body: Expr) -> str | None:
    names = sorted(s.name for s in body.free_symbols)
    if len(names) == 1:
        return names[0]
    usual = [n for n in names if n in USUAL_VARIABLES]
    if len(usual) == 1:
        return usual[0]
    if len(usual) > 1:
        listed = ", ".join(usual[:-1]) + f" and {usual[-1]}"
        raise AmbiguousVariableError(f"the expression uses {listed}: choose the variable with --var")
    return None


def expression(text: str, var: str = "z", notation: str = "auto") -> Expr:
    """User text as an expression in ``var``, the library's activations callable by name."""
    return parse_expression(text, var, library_function, notation, activations.names())


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
