"""SymPy syntax that reads back: SymPy's StrPrinter, with λ written ``lamda`` (``lambda`` is a Python keyword).

``sympify(s, locals=derive.json_locals(z))`` reads what this prints back as the same expression.
"""

from __future__ import annotations

from typing import Any

from sympy import Expr
from sympy.printing.str import StrPrinter


class SympySyntaxPrinter(StrPrinter):
    def _print_Symbol(self, expr: Expr) -> str:
        return "lamda" if expr.name == "lambda" else super()._print_Symbol(expr)


def sympy_syntax(e: Expr, **settings: Any) -> str:
    return SympySyntaxPrinter(settings).doprint(e)
