"""The machine-readable form: ``to_dict()``, whose expression strings ``sympify`` reads back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sympy import Expr, sstr

from derive import board
from derive.output_form import G, g_function
from derive.render import walk
from derive.render.latex import line_latex

if TYPE_CHECKING:
    from derive.pipeline import Derivation


def expr_string(e: Expr) -> str:
    """SymPy syntax for a step: brackets dropped, unevaluated derivatives as Derivative(..., z)."""
    return sstr(board.strip_groups(e), order="none")


def to_dict(derivation: Derivation) -> dict[str, Any]:
    z = derivation.variable
    form = derivation.output_form
    return {
        "name": derivation.name,
        "variable": z.name,
        "definition": sstr(derivation.function.body),
        "derivative": sstr(derivation.derivative),
        "output_form": sstr(form.subs(G, g_function(z))) if form is not None else None,
        "output_form_status": derivation.verdict.status,
        "output_form_reason": derivation.verdict.reason,
        "not_differentiable_at": [sstr(k.at) for k in derivation.verdict.kinks],
        "steps": [
            {
                "quantity": line.step.quantity,
                "expr": expr_string(line.step.expr),
                "rule": line.step.rule,
                "why": line.step.why,
                "latex": line_latex(line),
                "proof": line.proof,
            }
            for line in walk(derivation)
        ],
    }
