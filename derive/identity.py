"""Identities: prove LHS = RHS with steps, for users' own checks (softplus' = σ, tanh(z) = 2σ(2z) - 1).

The chain goes from the left side as written, through its evaluated and its
written-out (exponential) forms, to the right side's written-out form and the
right side as written.  Every line is proved equal to the left side by the
same checker as derivations; the identity holds when the last one is.  It
renders through the same formats as a derivation (``render(fmt)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sympy import Expr, exp

from derive import board, check
from derive.reasons import Note, Reason, equation
from derive.resolve import expression
from derive.steps import Step
from derive.symbols import variable


@dataclass
class Identity:
    """The result of ``prove``: the chain of steps and whether LHS = RHS holds."""

    lhs: Expr
    rhs: Expr
    variable: Any
    steps: list[Step]
    proofs: list[check.Proof]

    is_chain = True  # its lines are one chain: left side = ... = right side
    title = "Identity"

    section_title = "Identity"

    @property
    def holds(self) -> bool:
        return all(p.ok for p in self.proofs)

    def heading(self) -> Reason:
        return Reason.of("prove {identity}", identity=equation(board.board_form(self.lhs), board.board_form(self.rhs)))

    def notes(self) -> list[Note]:
        return [Note(Reason("the identity holds" if self.holds else "the identity does NOT hold"), emphasis=True)]

    def render(self, fmt: str = "text", **options: Any) -> str:
        """The chain in a format of derive.render; in text, each line with its proof."""
        from derive import render

        if fmt == "text":
            options.setdefault("proofs", True)
        return render.render([self], fmt, **options)

    def to_dict(self) -> dict[str, Any]:
        from derive.render import json

        return json.to_dict(self)


def prove(lhs: str | Expr, rhs: str | Expr, var: str = "z") -> Identity:
    """Prove lhs = rhs as functions of ``var`` (text goes through the whitelist parser)."""
    z = variable(var)
    left = expression(lhs, var) if isinstance(lhs, str) else lhs
    right = expression(rhs, var) if isinstance(rhs, str) else rhs
    chain = [
        (left, "as written", "the left side"),
        (left.doit(), "evaluate", "carry out the derivatives"),
        (_written_out(left.doit()), "rewrite", "written out in exponentials"),
        (_written_out(right.doit()), "rewrite", "the right side written out in exponentials"),
        (right.doit(), "evaluate", "the right side, evaluated"),
        (right, "as written", "the right side"),
    ]
    steps: list[Step] = []
    for expr, rule, why in chain:
        shown = expr if expr.has(board.Group) else board.board_form(expr)
        if not steps or shown != steps[-1].expr:
            steps.append(Step("lhs", shown, (rule,), Reason(why)))
    reference = left.doit()
    proofs = [check.prove_equal(check.step_value(s.expr, {}), reference, z) for s in steps]
    return Identity(left, right, z, steps, proofs)


def _written_out(e: Expr) -> Expr:
    return e.rewrite(exp)
