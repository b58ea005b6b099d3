"""The text of ``derive check --numerics``: each step of a derivation with its float32 and float64
behaviour (measured by ``derive.verify.numerics``)."""

from __future__ import annotations

from typing import Any


def report(derivation: Any, rows: list[Any]) -> str:
    """A table: each step with its float32 and float64 behaviour."""
    from derive.render import walk
    from derive.render.printing.text import board_text

    lines = [f"{derivation.function.title}: each step in floating point, z from -1000 to 1000, against mpmath"]
    for line, row in zip(walk(derivation), rows, strict=True):
        lead = f"{line.lhs.text} = " if line.lhs else "  = "
        lines.append(f"{line.index + 1:>2}. {lead}{board_text(line.step.expr)}")
        lines += [f"      {p}" for p in row.precisions]
    return "\n".join(lines) + "\n"
