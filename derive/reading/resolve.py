"""What is differentiated: a library name, a function of a Python file, or what a text says.

The one place where the library of activations (derive.knowledge.activations) meets the readers
(derive.reading): a library name is looked up, ``act.py:swish`` read from its file's syntax tree,
and anything else read with the library's activations callable by name (softplus(z)).  A text
may say more than an expression: a definition names the function (f(x) = ...: f, not g, in every
output) and its variable; a derivative operator around the whole text (d/dx tanh x) says what to
differentiate, in which variable, to which order.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sympy import Derivative, Expr, Symbol

from derive.engine import piecewise
from derive.errors import AmbiguousVariableError, NoVariableError, ParseError, UnknownActivationError
from derive.files import FILE_TARGET
from derive.knowledge import activations, registry
from derive.knowledge import spellings as sp
from derive.knowledge.symbols import checked_name, variable
from derive.reading import Reading, read

USUAL_VARIABLES = ("z", "x", "t", "y", "u", "v", "w", "s")
"""Names read as the variable when --var is not given: z if present, else the only one of these."""

_IDENTIFIER = re.compile(r"[A-Za-z_σ][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Function:
    """What is differentiated: g(var) = head (by name) = body (written out).

    ``symbol`` is the function's name in the outputs (g, or f of f(x) = ...); ``conventions`` the
    lines saying how the text's conventional spellings were read; ``order`` the derivative a
    derivative operator around the text asked for (0: none)."""

    name: str
    title: str
    variable: Symbol
    head: Expr | None
    body: Expr
    symbol: str = "g"
    conventions: tuple[str, ...] = ()
    order: int = 0


def resolve(target: str | Expr, var: str | None = None, notation: str = "auto", files: bool = True) -> Function:
    """A library name, ``file.py:name`` (with ``files``), or a text (math notation, SymPy syntax, LaTeX,
    code) as a Function.

    Without ``var`` the variable is the one the text names (f(x) = ..., d/dx), else z; in an expression
    without z, the only name, or else the only usual variable name among them (x in a·x + b); several
    (x and y) are an AmbiguousVariableError.
    """
    if var is not None:
        checked_name(var)  # printed as it is into TeX, Python and HTML: a name, on every path
    if isinstance(target, Expr):
        chosen = var or "z"
        z = variable(chosen)
        body = target.subs(Symbol(chosen), z)
        return _checked(Function(str(target), str(target), z, None, body), chosen)
    text = target.strip()
    file_target = FILE_TARGET.fullmatch(text)
    if file_target is not None and not files:
        raise ParseError(f"{text!r} names a function of a Python file: reading files is off here")
    if file_target is not None:
        from derive.reading.code import read_file

        reading = read_file(file_target["path"], file_target["name"], var, library_function)
        return _from_reading(text, reading, var, file_target["name"])
    if files and text.endswith(".py") and Path(text).is_file():  # a file without :NAME: which of its functions?
        from derive.reading.code import defined

        raise ParseError(f"{text} is a file: name its function, {text}:NAME (it defines: {defined(text)})")
    bare = _IDENTIFIER.fullmatch(text) is not None and text != (var or "z")
    if bare:
        entry = activations.lookup(text)
        if entry is not None:
            z = variable(var or "z")
            head, body = entry.build(z)
            return Function(entry.name, entry.title, z, head, body)
        _refuse_near_miss(text)
    reading = read(text, var, notation, library_function, activations.names())
    function = _from_reading(text, reading, var)
    if var is None and reading.variable is None and not function.body.has(function.variable):
        if bare and len(text) > 1 and not any(s.name in USUAL_VARIABLES for s in function.body.free_symbols):
            # a word that is no library name and holds no variable: not an expression in a parameter
            raise UnknownActivationError(f"unknown activation {text!r}; `derive list` names the library")
        inferred = inferred_variable(function.body)
        if inferred is not None:
            return resolve(text, inferred, notation, files)
    return _checked(function, function.variable.name)


def _from_reading(text: str, reading: Reading, var: str | None, title: str | None = None) -> Function:
    """A reading as what is differentiated: a derivative operator around it undone into an order."""
    if reading.order:
        primes = "'" * reading.order
        raise ParseError(
            f'"{text}" defines a derivative ({reading.name}{primes}): give the function itself, {reading.name}(x) = ...'
        )
    expr, order = reading.expr, 0
    chosen = reading.variable or var or "z"
    while isinstance(expr, Derivative) and len(expr.variables) and len(set(expr.variables)) == 1:
        chosen = expr.variables[0].name
        order += len(expr.variables)
        expr = expr.expr
    conventions = reading.conventions
    if expr.has(Derivative):  # a derivative inside the function: carried out, as part of its definition
        expr = expr.doit()
        conventions += ("a derivative inside the function carried out first",)
    z = variable(chosen)
    body = piecewise.flattened(expr.subs(Symbol(chosen, positive=True), z))
    return Function(text, title or text, z, None, body, reading.name or "g", conventions, order)


def _refuse_near_miss(name: str) -> None:
    """A bare word that is almost a library name is a typo, not an expression in a parameter."""
    if name.lower() in sp.VECTOR_FUNCTIONS:
        raise ParseError(f"{name} {sp.VECTOR_REFUSAL}")
    near = difflib.get_close_matches(name.lower(), activations.names(), n=1, cutoff=0.75)
    if near and registry.by_name().get(name) is None:
        raise UnknownActivationError(f"unknown activation {name!r}; did you mean {near[0]}? (`derive list` names them)")


def inferred_variable(body: Expr) -> str | None:
    """The variable of an expression that names none: its only name, else its only usual variable name."""
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
    return read(text, var, notation, library_function, activations.names()).expr


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
