"""One-line Unicode text for board forms, for terminals: σ(z), e^(-z), (1 + e^(-z))², d/dz(u).

The same shapes as the LaTeX printer (``derive.engine.board`` classifies them), printed
by SymPy's StrPrinter machinery.
"""

from __future__ import annotations

from typing import Any

from sympy import Expr, S, true
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from derive.engine import board
from derive.knowledge import registry
from derive.knowledge.spellings import GREEK

_GREEK = {name: letter for letter, name in GREEK.items() if letter not in "ϕ"}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class BoardTextPrinter(StrPrinter):
    """Print board expressions in order, one line, with Unicode symbols."""

    _default_settings: dict[str, Any] = {**StrPrinter._default_settings, "order": "none"}

    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        return board.join_signed(
            [(sign, self._term(t) if sign == "-" else self._print(t)) for sign, t in board.signed_terms(expr)]
        )

    def _term(self, e: Expr) -> str:
        return f"({self._print(e)})" if e.is_Add else self._print(e)

    def _atomic(self, e: Expr) -> str:
        """e as an operand of / or ^: bracketed unless it is a single symbol, number or call."""
        text = self._print(e)
        bare = not e.args and not (e.is_Number and (e.is_negative or not e.is_Integer))
        if bare or (e.is_Function and e.func.__name__ != "exp") or (e.is_Pow and not board.is_reciprocal(e)):
            return text
        return f"({text})"

    def _print_Mul(self, expr: Expr) -> str:
        negated = board.as_negation(expr)
        if negated is not None:
            return "-" + self._term(negated)
        quotient = board.as_quotient(expr)
        if quotient is not None:
            num, den = quotient
            return f"{self._atomic(num)}/{self._atomic(den)}"
        out = []
        for i, f in enumerate(expr.args):
            # a derivative operator applies to the product after it: one before other factors is bracketed
            if (f.is_Number and f.is_negative) or f.is_Add or f.is_Mul or (f.is_Derivative and i < len(expr.args) - 1):
                out.append(f"({self._print(f)})")
            else:
                out.append(self._print(f))
        return "·".join(out)

    def _print_Pow(self, expr: Expr, rational: bool = False) -> str:
        base, ex = expr.base, expr.exp
        if board.is_reciprocal(expr):
            return "1/" + self._atomic(board.reciprocal_base(expr))
        if ex == S.Half:
            return "√" + self._atomic(base)
        if ex == S.One / 3:
            return "∛" + self._atomic(base)
        if base == S.Exp1:
            return "e^" + self._atomic(ex)
        if ex.is_Integer:
            return self._atomic(base) + str(ex).translate(_SUPERSCRIPT)
        return f"{self._atomic(base)}^{self._atomic(ex)}"

    def _print_Symbol(self, expr: Expr) -> str:
        return symbol_text(expr.name)

    def _print_Piecewise(self, expr: Expr) -> str:
        pieces = [
            f"{self._print(e)} otherwise" if c is true else f"{self._print(e)} if {self._print(c)}"
            for e, c in expr.args
        ]
        return "{" + "; ".join(pieces) + "}"

    def _print_And(self, expr: Expr) -> str:
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Or(self, expr: Expr) -> str:
        return " or ".join(self._print(a) for a in expr.args)

    def _print_Relational(self, expr: Expr) -> str:
        op = {"<=": "≤", ">=": "≥", "!=": "≠", "==": "="}.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_Exp1(self, expr: Expr) -> str:
        return "e"

    def _print_Pi(self, expr: Expr) -> str:
        return "π"

    def _print_exp(self, expr: Expr) -> str:
        arg = expr.args[0]
        return "e^" + (self._print(arg) if arg.is_Symbol else f"({self._print(arg)})")

    def _print_Derivative(self, expr: Expr) -> str:
        ((var, n),) = expr.variable_count
        var = self._print(var)
        power = "" if n == 1 else str(n).translate(_SUPERSCRIPT)
        if expr.expr.is_Symbol:  # a letter of a formula: du/dz
            return f"d{power}{self._print(expr.expr)}/d{var}{power}"
        return f"d{power}/d{var}{power}({self._print(expr.expr)})"

    def _print_Group(self, expr: Expr) -> str:
        return f"({self._print(expr.args[0])})"

    def _print_Abs(self, expr: Expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Function(self, expr: Expr) -> str:
        known = None if isinstance(expr, AppliedUndef) else registry.entry(expr.func)
        name = known.text if known is not None and known.text else symbol_text(expr.func.__name__)
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    _print_Max = _print_Min = _print_Function

    def _print_cbrt(self, expr: Expr) -> str:
        return "∛" + self._atomic(expr.args[0])  # as a cube root that is a power: ∛(1 + y)


def symbol_text(name: str) -> str:
    """A name as a terminal shows it: Greek letters as letters (beta: β, sigma': σ')."""
    base = name.rstrip("'")
    return _GREEK.get(base, base) + name[len(base) :]


def board_text(expr: Expr) -> str:
    """One-line Unicode text of a board expression."""
    return BoardTextPrinter().doprint(expr)
