"""LaTeX for board forms: SymPy's LatexPrinter, told to keep the order it is given.

Board expressions are unevaluated and already in the order they are written
(see ``derive.engine.board``); this printer prints each shape as it stands instead
of reordering and re-fracting it as SymPy's printer does for canonical
expressions.
"""

from __future__ import annotations

import re
from typing import Any

from sympy import Derivative, Expr, S
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

from derive.engine import board
from derive.knowledge import registry


class BoardLatexPrinter(LatexPrinter):
    """Print board expressions term by term, as the lecture writes them."""

    _default_settings: dict[str, Any] = {
        **LatexPrinter._default_settings,
        "order": "none",
        # how d/dz is written: \frac{d}{dz} as in the lecture
        "derivative_style": "frac",
        # write (f(z))^2 rather than f^2(z), as the lecture's (g(z))^2
        "parenthesize_function_powers": True,
        # the sum set over two rows, broken at the + or - that halves it (see breakable_sum): a slide's
        # line too wide to read at the smallest readable size
        "break_sum": None,
        "break_rows": 2,
        "break_top": False,  # the broken sum is the whole line: its first row on the line's baseline
    }

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings)
        self._printed: dict[tuple, str] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if expr is self._settings["break_sum"]:
            return self._print_broken_sum(expr)
        # a sub-expression prints the same wherever it stands (brackets are the parent's): print
        # it once per line; a chain's line repeats the same sub-trees many times
        try:
            key = (expr, tuple(sorted(kwargs.items())))
            return self._printed[key]
        except KeyError:
            out = self._printed[key] = super()._print(expr, **kwargs)
            return out
        except TypeError:  # unhashable: a list or a dict of settings
            return super()._print(expr, **kwargs)

    # --- sums and products ------------------------------------------------

    def _print_Add(self, expr: Expr, order: str | None = None) -> str:
        return board.join_signed(
            [(sign, self._term(t) if sign == "-" else self._print(t)) for sign, t in board.signed_terms(expr)]
        )

    def _print_broken_sum(self, expr: Expr) -> str:
        """The sum over ``break_rows`` rows, each about as wide as the others (split at the + and - signs
        between its terms); the rows after the first indented, their signs binary ({}- b); top-aligned
        when the sum is the whole line, so that '=' stays with the first row."""
        parts = [(sign, self._term(t) if sign == "-" else self._print(t)) for sign, t in board.signed_terms(expr)]
        widths = [visible_width(text) for _, text in parts]
        rows = [
            board.join_signed(chunk) if i == 0 else "{}" + " ".join(f"{sign} {text}" for sign, text in chunk)
            for i, chunk in enumerate(_balanced(parts, widths, self._settings["break_rows"]))
        ]
        top = "[t]" if self._settings["break_top"] else ""
        return r"\begin{aligned}%s&%s\end{aligned}" % (top, r"\\&\quad ".join(rows))

    def _term(self, e: Expr) -> str:
        """A term after a minus sign: a sum must be bracketed."""
        return self._paren(e) if e.is_Add else self._print(e)

    def _paren(self, e: Expr) -> str:
        return r"\left(%s\right)" % self._print(e)

    def _print_Mul(self, expr: Expr) -> str:
        negated = board.as_negation(expr)
        if negated is not None:
            return "-" + self._term(negated)
        quotient = board.as_quotient(expr)
        if quotient is not None:
            num, den = quotient
            return r"\frac{%s}{%s}" % (self._print(num), self._print(den))
        return self._print_factors(expr.args)

    def _print_factors(self, factors: tuple[Expr, ...]) -> str:
        out: list[str] = []
        prev_number = False
        for i, f in enumerate(factors):
            if f.is_Number and f.is_negative or f.is_Derivative and i < len(factors) - 1:
                # a derivative operator applies to the product after it: one before other factors is bracketed
                tex = r"\left(%s\right)" % self._print(f)
            elif f.is_Add or f.is_Mul:
                # a sum, a negation or a sub-product inside a product is bracketed
                tex = self._paren(f)
            else:
                tex = self._print(f)
            if out:
                out.append(r" \cdot " if (prev_number and f.is_Number) else " ")
            out.append(tex)
            prev_number = f.is_Number
        return "".join(out)

    # --- powers -------------------------------------------------------------

    def _print_Pow(self, expr: Expr) -> str:
        base, ex = expr.base, expr.exp
        if board.is_reciprocal(expr):
            return r"\frac{1}{%s}" % self._print(board.reciprocal_base(expr))
        if ex == S.Half:
            return r"\sqrt{%s}" % self._print(base)
        if ex == S.One / 3:
            return r"\sqrt[3]{%s}" % self._print(base)
        if ex.is_Rational and ex.q == 2 and ex.p > 0 and ex.p != 1:
            return r"\left(\sqrt{%s}\right)^{%s}" % (self._print(base), self._print(ex.p))
        if base == S.Exp1:
            return r"e^{%s}" % self._print(ex)
        return r"%s^{%s}" % (self._power_base(base), self._print(ex))

    def _power_base(self, base: Expr) -> str:
        if base.is_Symbol or (base.is_Integer and base.is_positive):
            return self._print(base)
        if base.func.__name__ == "exp" or (base.is_Function and not self._settings["parenthesize_function_powers"]):
            return r"\left(%s\right)" % self._print(base)
        return self._paren(base)

    def _print_ExpBase(self, expr: Expr, exp: str | None = None) -> str:
        tex = r"e^{%s}" % self._print(expr.args[0])
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    # --- derivatives and functions -----------------------------------------

    def _print_Derivative(self, expr: Derivative) -> str:
        ((var, n),) = expr.variable_count
        d = "d" if n == 1 else "d^{%s}" % n
        dv = "d %s" % self._print(var) if n == 1 else "d %s^{%s}" % (self._print(var), n)
        if expr.expr.is_Symbol:  # a letter of a formula: du/dz
            return r"\frac{%s %s}{%s}" % (d, self._print(expr.expr), dv)
        return r"\frac{%s}{%s} \left(%s\right)" % (d, dv, self._print(expr.expr))

    def _print_Group(self, expr: Expr, exp: str | None = None) -> str:
        return self._paren(expr.args[0])

    def _print_Abs(self, expr: Expr, exp: str | None = None) -> str:
        tex = r"\left|%s\right|" % self._print(expr.args[0])
        return tex if exp is None else "%s^{%s}" % (tex, exp)

    def _print_Function(self, expr: Expr, exp: str | None = None) -> str:
        name = self.function_name(expr)
        if name is None:
            return super()._print_Function(expr, exp)
        args = ", ".join(self._print(a) for a in expr.args)
        return self._application(name, args, exp)

    @staticmethod
    def _application(name: str, args: str, exp: str | None = None) -> str:
        r"""name(args) with no gap: plain brackets for a line-high argument (g(z), σ(z)); a tall one gets
        \left( \right) in a group, as SymPy writes it (``\left(`` right after a name opens an inner atom,
        which TeX sets apart: the gap of g (z))."""
        tall = any(token in args for token in (r"\frac", r"\sum", r"\int", r"\begin", r"\sqrt", "^{"))
        tex = r"%s{\left(%s\right)}" % (name, args) if tall else f"{name}({args})"
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    def _print_Max(self, expr: Expr, exp: str | None = None) -> str:
        return self._application(r"\max", ", ".join(self._print(a) for a in expr.args), exp)

    def _print_Min(self, expr: Expr, exp: str | None = None) -> str:
        return self._application(r"\min", ", ".join(self._print(a) for a in expr.args), exp)

    def _print_cbrt(self, expr: Expr, exp: str | None = None) -> str:
        tex = r"\sqrt[3]{%s}" % self._print(expr.args[0])  # as a cube root that is a power
        return tex if exp is None else r"\left(%s\right)^{%s}" % (tex, exp)

    # SymPy routes these through their own printers; the board writes them f(x)
    _print_erf = _print_Function
    _print_log = _print_Function

    def function_name(self, expr: Expr) -> str | None:
        """The LaTeX name of a one-line function application (derive.knowledge.registry's), or None for SymPy's own."""
        if isinstance(expr, AppliedUndef):
            return self._hprint_Function(expr.func.__name__)
        known = registry.entry(expr.func)
        if known is not None and known.latex:
            return known.latex
        if known is not None and known.sympy_prints or expr.func.__name__ == "Piecewise":
            return None
        return self._hprint_Function(expr.func.__name__)


def visible_width(tex: str) -> int:
    """About how wide ``tex`` is set, in characters: what is written, not the commands that place it; a
    fraction as wide as the wider of its numerator and denominator."""
    at = tex.find(r"\frac{")
    if at >= 0:
        numerator, after = _braced(tex, at + len(r"\frac"))
        denominator, rest = _braced(tex, after)
        wider = max(visible_width(numerator), visible_width(denominator))
        return visible_width(tex[:at]) + wider + visible_width(tex[rest:])
    tex = re.sub(r"\\(left|right|displaystyle|quad|cdot)\b", "", tex)
    tex = re.sub(r"\\[A-Za-z]+", "x", tex)  # \sigma, \tanh: about one letter's worth
    return len(re.sub(r"[{}\s^_]", "", tex))


def _braced(tex: str, start: int) -> tuple[str, int]:
    """The group opening at tex[start] ('{'), without its braces, and the index after it."""
    depth = 0
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start + 1 : i], i + 1
    return tex[start + 1 :], len(tex)


def _balanced(parts: list, widths: list[int], rows: int) -> list[list]:
    """``parts`` in at most ``rows`` consecutive runs, none much wider than an even share (greedy)."""
    share = sum(widths) / rows
    runs: list[list] = [[]]
    filled = 0.0
    for part, width in zip(parts, widths, strict=True):
        if runs[-1] and len(runs) < rows and filled + width / 2 > share * len(runs):
            runs.append([])
        runs[-1].append(part)
        filled += width
    return runs


def breakable_sum(expr: Expr) -> Expr | None:
    """Where a line can break: its outermost sum, found through brackets, negations, a quotient's
    numerator where it is twice as wide as the denominator (the quotient rule's) and the widest factor of a product
    (½(a + b)); never inside a function's argument. None when there is none."""
    while not expr.is_Add:
        quotient = board.as_quotient(expr) if expr.is_Mul else None
        if isinstance(expr, board.Group):
            expr = expr.args[0]
        elif quotient is not None:
            numerator, denominator = (visible_width(board_latex(part)) for part in quotient)
            if numerator < 2 * denominator:  # its halves would be no narrower than the denominator
                return None
            expr = quotient[0]
        elif expr.is_Mul:
            expr = max(expr.args, key=lambda f: visible_width(board_latex(f)))
        else:
            return None
    return expr if len(expr.args) > 1 else None


def line_choices(expr: Expr, most: int = 3) -> list[str]:
    """The ways to set a line, widest first: on one row, then its outermost sum (``breakable_sum``, found
    once) over 2, ..., ``most`` rows, as many as it has terms."""
    out = [board_latex(expr)]
    target = breakable_sum(expr)
    if target is None:
        return out
    for rows in range(2, min(most, len(target.args)) + 1):
        broken = BoardLatexPrinter({"break_sum": target, "break_rows": rows, "break_top": target is expr}).doprint(expr)
        if broken != out[-1]:  # a dominant term keeps its row: three rows can come out as two
            out.append(broken)
    return out


def board_latex(expr: Expr, **settings: Any) -> str:
    """LaTeX of a board expression (any SymPy expression prints, in its own order)."""
    return BoardLatexPrinter(settings).doprint(expr)
