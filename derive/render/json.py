"""The machine-readable form: every step with its expression (SymPy syntax), rule, reason, LaTeX and proof."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import register, walk
from derive.render.latex import line_latex


def expr_string(e: Any) -> str:
    """SymPy syntax for a step: brackets dropped, unevaluated derivatives as Derivative(..., z)."""
    from derive.engine import board
    from derive.render.printing.syntax import sympy_syntax

    return sympy_syntax(board.strip_groups(e), order="none")


def to_dict(item: Any) -> dict[str, Any]:
    """A derivation (or an identity) as plain data; every expression a string ``sympify`` reads back."""
    from derive.render.latex import inline
    from derive.render.printing.syntax import sympy_syntax as sstr
    from derive.render.printing.text import board_text

    steps = [
        {
            "quantity": line.step.quantity,
            "expr": expr_string(line.step.expr),
            "rule": line.step.rule,
            "why": line.why.fill(board_text),
            "why_tex": line.why.fill(inline),  # as the Markdown export writes it: words, and $...$ math
            "latex": line_latex(line),
            "proof": line.proof,
        }
        for line in walk(item)
    ]
    if item.is_chain:
        return {"lhs": sstr(item.lhs), "rhs": sstr(item.rhs), "holds": item.holds, "steps": steps}
    from derive.engine.board import substitute

    z = item.variable
    form = item.output_form
    return {
        "name": item.name,
        "input": item.function.name,
        "read_as": sstr(item.function.body),
        "conventions": list(item.function.conventions),
        "variable": z.name,
        "function": item.function.symbol,
        "order": item.order,
        "definition": sstr(item.function.body),
        "derivative": sstr(item.derivative),
        "output_form": sstr(substitute(item.output_form_of_g, item.renaming)) if form is not None else None,
        "output_form_status": item.verdict.status,
        "output_form_reason": item.verdict.summary().fill(board_text),
        "output_form_reason_tex": item.verdict.summary().fill(inline),  # as the Markdown export writes it
        "not_differentiable_at": [sstr(k.at) for k in item.verdict.kinks],
        "steps": steps,
    }


@register(
    "json",
    ".json",
    "every step with its expression, rule, reason, LaTeX and proof",
    media_type="application/json",
    label="JSON",
    rank=4,
)
def render(items: Sequence[Any]) -> str:
    import json

    data = [to_dict(item) for item in items]
    return json.dumps(data[0] if len(data) == 1 else data, indent=1, ensure_ascii=False) + "\n"
