"""Reading what people type: math notation, SymPy syntax, LaTeX, code and SymPy's pretty printing.

``read(text)`` is the one entry point.  It decides the notation (``detect``), reads the text with
that notation's reader, and returns a ``Reading``: the expression, and what the text said besides
it (a definition's name and variable, f(x) = ...; the variable a derivative operator names; the
conventions it applied, each a line the output shows).  Every reader builds through one
``derive.reading.whitelist.Whitelist``; user text never reaches ``eval``, ``exec``, ``sympify`` or
``parse_expr``.

- math notation and LaTeX: ``tokens`` splits the text, ``grammar`` reads it (its grammar is
  written out in its docstring, one method per rule);
- code: ``code`` reads a Python expression, or a function of a file, by its syntax tree (``ast``),
  with the names of PyTorch, NumPy, JAX and ``math``;
- SymPy's pretty printing (several lines): ``pretty`` writes the picture as one line of math notation.

The notation families' spellings are tables in ``spellings`` (letters, symbols, LaTeX commands),
``derive.knowledge.registry`` (each function's names) and ``code`` (the frameworks' names); the notations
a person may choose are the table ``notations.NOTATIONS``.  This module imports no SymPy at its top (the
readers load it when they read): the CLI and the server list the notations without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from derive.errors import ParseError
from derive.reading.notations import NOTATIONS
from derive.reading.result import Reading

if TYPE_CHECKING:
    from sympy import Expr

    from derive.reading.grammar import Head
    from derive.reading.whitelist import LibraryLookup, Whitelist

MAX_LENGTH = 10_000

_CODE = re.compile(
    r"(?<![\w.])(torch|F|np|numpy|jnp|jax|math|scipy|nn|special|functools|lax)\s*\.\s*[A-Za-z_]"  # a module's name
    r"|[\w)\]]\s*\.\s*[A-Za-z_]\w*\s*\("  # a method: x.sigmoid(), (2*x).tanh()
    r"|\blambda\b\s*\w*\s*:"  # SymPy's NumPy printer binds an argument once: (lambda u: ...)(x)
)


def detect(text: str, notation: str = "auto") -> str:
    """The notation of a text: "latex" with a backslash, "code" with a module's name or a method,
    "pretty" for SymPy's pretty printing (several lines), else "math"."""
    if notation not in NOTATIONS:
        raise ParseError(f"the notation must be one of {', '.join(NOTATIONS)}, not {notation!r}")
    if notation != "auto":
        return notation
    if "\n" in text.strip("\n") and len([row for row in text.splitlines() if row.strip()]) > 1:
        return "pretty"
    if "\\" in text:
        return "latex"
    if _CODE.search(text):
        return "code"
    return "math"


def read(
    text: str,
    var: str | None = None,
    notation: str = "auto",
    library: LibraryLookup | None = None,
    library_names: tuple[str, ...] = (),
    functions: Mapping[str, Callable[..., Expr]] | None = None,
) -> Reading:
    """The reading of ``text``: an expression in ``var`` (else the variable the text names, else z);
    every other name a positive constant.  ``library`` gives the library's activations called by
    name (softplus(z)); ``functions`` names the caller defines (g in a derivation being marked)."""
    from sympy import Expr, Tuple

    from derive.knowledge.symbols import checked_name

    _check_limits(text)
    if var is not None:
        checked_name(var)
    kind = detect(text, notation)
    if kind == "pretty":
        from derive.reading.pretty import linear

        reading = read(linear(text), var, "math", library, library_names, functions)
        return Reading(reading.expr, reading.variable, reading.name, reading.order, reading.conventions, "pretty")
    if kind == "code":
        from derive.reading.code import read_code

        return read_code(text, var, library, library_names, functions)
    guess = var or "z"
    head, expr, build = _parse(text, kind, guess, library, library_names, functions)
    named = _named_variable(head, build, text)
    if named is not None and named != guess:
        if var is not None:
            raise ParseError(f'"{text.strip()}" is in {named}, not in the variable {var} asked for')
        head, expr, build = _parse(text, kind, named, library, library_names, functions)
    if isinstance(expr, Tuple) or not isinstance(expr, Expr):
        raise ParseError(f'"{text.strip()}" is a condition or a list, not an expression')
    if head is not None and head.name is not None and head.order == 0:
        _refuse_recursion(head.name, expr, text)
    name = head.name if head is not None else None
    order = head.order if head is not None else 0
    return Reading(expr, named, name, order, tuple(build.conventions), kind)


def _check_limits(text: str) -> None:
    from derive.reading.grammar import MAX_DEPTH

    if not isinstance(text, str):
        raise ParseError("the expression must be text")
    if "\x00" in text:
        raise ParseError("the expression contains a NUL byte")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    if not text.strip():
        raise ParseError("the expression is empty")
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ParseError(f"the expression is nested more than {MAX_DEPTH} levels deep")


def _parse(
    text: str,
    kind: str,
    var: str,
    library: LibraryLookup | None,
    library_names: tuple[str, ...],
    functions: Mapping[str, Callable[..., Expr]] | None,
) -> tuple[Head | None, Expr, Whitelist]:
    from derive.reading.grammar import Grammar
    from derive.reading.tokens import latex_tokens, math_tokens
    from derive.reading.whitelist import Whitelist

    build = Whitelist(var, library, library_names, functions)
    if kind == "latex":
        tokens = latex_tokens(text, lambda name: build.function(name) is not None)
    else:
        tokens = math_tokens(text)
    head, expr = Grammar(text, tokens, build, kind == "latex").statement()
    return head, expr, build


def _named_variable(head: Head | None, build: Whitelist, text: str) -> str | None:
    """The variable the text names: its definition's, else its derivatives' (one variable for all)."""
    named = [head.variable] if head is not None and head.variable is not None else []
    named += build.declared
    if len(set(named)) > 1:
        listed = " and ".join(sorted(set(named)))
        raise ParseError(f'"{text.strip()}" names several variables ({listed}): derive differentiates in one')
    return named[0] if named else None


def _refuse_recursion(name: str, expr: Expr, text: str) -> None:
    used = {s.name for s in expr.free_symbols} | {type(f).__name__ for f in expr.atoms(_applied())}
    if name in used:
        raise ParseError(f'"{text.strip()}" defines {name} in terms of itself')


def _applied() -> type:
    from sympy.core.function import AppliedUndef

    return AppliedUndef
