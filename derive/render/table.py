"""The library as a Markdown table: name, definition, and g' in terms of g (or why there is none).

Not a format of one derivation: ``derive table`` prints it, and docs/library.md keeps a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def output_cell(verdict: Any, var: Any) -> str:
    from derive.engine import board
    from derive.knowledge.symbols import in_g
    from derive.output_form import shown_in_g
    from derive.render.printing.latex import board_latex

    if verdict.status == "found":
        return "$" + board_latex(shown_in_g(verdict.form.expr, var)) + "$"
    if verdict.status == "none exists":
        mixed = ""
        if verdict.mixed is not None:
            mixed = "; mixed: $" + board_latex(board.board_form(in_g(verdict.mixed, var))) + "$"
        return f"none exists (not injective){mixed}"
    return "not found"


def library_table(derivations: Sequence[Any]) -> str:
    """The table of the library's derivations (derive("sigmoid"), ... in the library's order)."""
    from derive.engine import board
    from derive.render.printing.latex import board_latex

    rows = ["| name | definition | g'(z) in terms of g(z) |", "| --- | --- | --- |"]
    for d in derivations:
        definition = board_latex(board.board_form(d.function.body)).replace("|", r"\vert ")
        cell = output_cell(d.verdict, d.variable).replace("|", r"\vert ")
        kinks = "".join(f"; not differentiable at $z = {k.at}$" for k in d.verdict.kinks)
        rows.append(f"| `{d.function.name}` | ${definition}$ | {cell}{kinks} |")
    return "\n".join(rows) + "\n"
