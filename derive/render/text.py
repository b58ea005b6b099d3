"""Text for a terminal: one step a line in Unicode math, the rule and its reason beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import register, walk

_MAX_MATH = 60


@register(
    "text",
    ".txt",
    "for a terminal: a step a line, its rule and reason beside it",
    options=("proofs",),
    media_type="text/plain",
    label="Text",
    rank=1,
)
def render(items: Sequence[Any], proofs: bool = False) -> str:
    """Each item's steps; with ``proofs``, how each step was proved after its reason."""
    return "\n".join(section(item, proofs) for item in items)


def section(item: Any, proofs: bool = False) -> str:
    from derive.render.printing.text import board_text

    lines = list(walk(item))
    width = max((len(line.lhs.text) for line in lines if line.lhs), default=0)
    rows = []
    for line in lines:
        rhs = board_text(line.step.expr)
        lhs = (line.lhs.text if line.lhs else "").rjust(width)
        math = f"{lhs} {line.relation} {rhs}" if line.relation else rhs
        reason = f"[{line.step.rule}] {line.why.fill(board_text)}"
        if proofs and line.proof is not None:
            reason += f"; {line.proof}"
        rows.append((math, reason))
    column = min(max(len(math) for math, _ in rows), _MAX_MATH)
    out = [item.heading().fill(board_text), ""]
    for math, reason in rows:
        if len(math) > column:
            out.append(math)
            out.append(" " * (column + 3) + reason)
        else:
            out.append(f"{math.ljust(column)}   {reason}")
    for note in item.notes():
        text = note.reason.fill(board_text)
        out += ["", text] if note.emphasis else [f"note: {text}"]
    return "\n".join(out) + "\n"
