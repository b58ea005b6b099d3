"""The library as a Markdown table: name, definition, and g' in terms of g (or why there is none)."""

from __future__ import annotations

from derive import board
from derive.activations import LIBRARY
from derive.existence import Verdict
from derive.output_form import G, g_function
from derive.printing.latex import board_latex


def output_cell(verdict: Verdict, var) -> str:
    g = g_function(var)
    if verdict.status == "found":
        return "$" + board_latex(board.substitute(board.board_form(verdict.form.expr), {G: g})) + "$"
    if verdict.status == "none exists":
        mixed = ""
        if verdict.mixed is not None:
            mixed = "; mixed: $" + board_latex(board.board_form(verdict.mixed.subs(G, g))) + "$"
        return f"none exists (not injective){mixed}"
    return "not found"


def library_table() -> str:
    from derive.pipeline import derive

    rows = ["| name | definition | g'(z) in terms of g(z) |", "| --- | --- | --- |"]
    for entry in LIBRARY:
        d = derive(entry.name, check_steps=False)
        definition = board_latex(board.board_form(d.function.body)).replace("|", r"\vert ")
        cell = output_cell(d.verdict, d.variable).replace("|", r"\vert ")
        kinks = "".join(f"; not differentiable at $z = {k.at}$" for k in d.verdict.kinks)
        rows.append(f"| `{entry.name}` | ${definition}$ | {cell}{kinks} |")
    return "\n".join(rows) + "\n"
