"""LaTeX: each step as ``g(z) = ...`` / ``= ...``, and the steps as an align* block or a document."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import Line, register, walk


def line_latex(line: Line) -> str:
    """The lecture's form of a line: 'g(z) = rhs' on the first line of a quantity, '= rhs' after."""
    from derive.printing.latex import board_latex

    rhs = board_latex(line.step.expr)
    if not line.relation:
        return rhs
    return f"{line.lhs} = {rhs}" if line.lhs else f"= {rhs}"


def aligned_row(line: Line) -> str:
    """A line as a row of an alignment: 'g(z) &= rhs', or '&= rhs' after the first line of a quantity."""
    from derive.printing.latex import board_latex

    rhs = board_latex(line.step.expr)
    if not line.relation:  # an identity's left side, left of the '=' column
        return f"{rhs} &"
    return f"{line.lhs or ''} &= {rhs}"


def block(item: Any, environment: str = "align*") -> str:
    rows = [aligned_row(line) for line in walk(item)]
    return f"\\begin{{{environment}}}\n" + " \\\\\n".join(rows) + f"\n\\end{{{environment}}}"


@register("latex", ".tex", "an align* block (--standalone: a complete document)", options=("standalone", "environment"))
def render(items: Sequence[Any], environment: str = "align*", standalone: bool = False) -> str:
    """An ``align*`` fragment (or ``aligned``) per item, or with ``standalone`` a complete document."""
    if not standalone:
        return "\n\n".join(block(item, environment) for item in items)
    sections = "\n".join(f"\\section*{{{item.section_title}}}\n{block(item, environment)}" for item in items)
    return (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage[margin=2cm]{geometry}\n"
        f"\\begin{{document}}\n{sections}\n\\end{{document}}\n"
    )
