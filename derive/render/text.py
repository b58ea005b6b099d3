"""Text for a terminal: one step a line in Unicode math, the rule and reason beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.printing.text import board_text
from derive.render import walk

if TYPE_CHECKING:
    from derive.pipeline import Derivation

_MAX_MATH = 60


def render(derivation: Derivation) -> str:
    lines = list(walk(derivation))
    var = derivation.variable.name
    width = max(len(f"{line.step.quantity}({var})") for line in lines)
    rows = []
    for line in lines:
        lhs = (line.lhs or "").rjust(width).replace("'", "′")
        rows.append((f"{lhs} = {board_text(line.step.expr)}", f"[{line.step.rule}] {line.step.why}"))
    column = min(max(len(math) for math, _ in rows), _MAX_MATH)
    out = [f"{derivation.function.title}: g({var}) = {board_text(lines[0].step.expr)}", ""]
    for math, reason in rows:
        if len(math) > column:
            out.append(math)
            out.append(" " * (column + 3) + reason)
        else:
            out.append(f"{math.ljust(column)}   {reason}")
    verdict = derivation.verdict
    if verdict.status != "found":
        out += ["", verdict.reason]
    out += [f"note: g is {kink}" for kink in verdict.kinks]
    return "\n".join(out) + "\n"
