"""What a reader gives back (every reader of ``derive.reading``: math, LaTeX, code, pretty)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # no SymPy at import: derive.reading is listed by the CLI without it
    from sympy import Expr


@dataclass(frozen=True)
class Reading:
    """What a text says: the expression, and the definition or derivative it is written as."""

    expr: Expr
    variable: str | None  # named by the text: f(x) = ..., d/dx, diff(f, x), a code function's argument
    name: str | None  # the function's name in a definition: f, y, σ (None: the outputs say g)
    order: int  # of the left side: 0 the function, n its n-th derivative (f'(x) = ...)
    conventions: tuple[str, ...]  # how each conventional spelling was read, a line each
    notation: str  # math, latex, code or pretty
