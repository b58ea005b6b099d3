"""LaTeX: each step as ``g(z) = ...`` / ``= ...``, and the derivation as an align* block or a document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.printing.latex import board_latex
from derive.render import Line, walk

if TYPE_CHECKING:
    from derive.pipeline import Derivation


def line_latex(line: Line) -> str:
    """The lecture's form of a line: 'g(z) = rhs' on the first line of a quantity, '= rhs' after."""
    rhs = board_latex(line.step.expr)
    return f"{line.lhs} = {rhs}" if line.lhs else f"= {rhs}"


def aligned_row(line: Line) -> str:
    """A line as a row of an alignment: 'g(z) &= rhs', or '&= rhs' after the first line of a quantity."""
    return f"{line.lhs or ''} &= {board_latex(line.step.expr)}"


def render(derivation: Derivation, environment: str = "align*", standalone: bool = False) -> str:
    """An ``align*`` fragment (or ``aligned``), or with ``standalone`` a complete document."""
    rows = [aligned_row(line) for line in walk(derivation)]
    body = f"\\begin{{{environment}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{environment}}}"
    if not standalone:
        return body
    return (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[margin=2cm]{geometry}\n"
        "\\begin{document}\n"
        f"\\section*{{Derivative of {derivation.function.title}}}\n{body}\n\\end{{document}}\n"
    )
