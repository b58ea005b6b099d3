"""SymPy syntax that means the same to plain ``sympify`` as to derive: SymPy's StrPrinter, with two changes.

- a name that ``sympify`` reads as something else (a parameter named beta, gamma, I, N or S, a
  Python keyword such as lambda, a builtin such as input) is written ``Symbol('beta', positive=True)``,
  with its assumptions; a function so named, ``Function('gamma')(x)``;
- derive's real cube root is written ``sign(u)*Abs(u)**(1/3)``: SymPy's ``cbrt(u)`` is the principal
  root, complex below 0.

``sympify(s, locals=derive.json_locals(z))`` reads what this prints back as derive's own expression.
"""

from __future__ import annotations

import builtins
import keyword
import types
from functools import cache
from typing import Any

import sympy
from sympy import Expr
from sympy.printing.str import StrPrinter


@cache
def clashes(name: str) -> bool:
    """Whether plain sympify reads ``name`` as something other than a symbol or an unknown function."""
    if keyword.iskeyword(name) or not name.isidentifier():
        return True
    if isinstance(getattr(builtins, name, None), types.BuiltinFunctionType):
        return True
    return name in sympy.__all__ or hasattr(sympy, name)


class SympySyntaxPrinter(StrPrinter):
    def _print_Symbol(self, expr: Expr) -> str:
        if not clashes(expr.name):
            return super()._print_Symbol(expr)
        kind = next((key for key in ("positive", "real") if expr.assumptions0.get(key)), None)
        return f"Symbol({expr.name!r}, {kind}=True)" if kind else f"Symbol({expr.name!r})"

    def _print_Function(self, expr: Expr) -> str:
        from sympy.core.function import AppliedUndef

        if isinstance(expr, AppliedUndef) and clashes(expr.func.__name__):
            return f"Function({expr.func.__name__!r})({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)

    def _print_cbrt(self, expr: Expr) -> str:
        u = self._print(expr.args[0])
        return f"(sign({u})*Abs({u})**(1/3))"


def sympy_syntax(e: Expr, **settings: Any) -> str:
    return SympySyntaxPrinter(settings).doprint(e)
