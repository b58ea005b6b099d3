"""Identities: prove LHS = RHS with steps, for users' own checks (softplus' = σ, tanh(z) = 2σ(2z) - 1).

The chain goes from the left side as written, through its evaluated and its
written-out (exponential) forms, to the right side's written-out form and the
right side as written.  Every line is proved equal to the left side by the
same checker as derivations; the identity holds when the last one is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sympy import Expr, exp

from derive import board, check
from derive.parse import parse_expression, symbol
from derive.printing.latex import board_latex
from derive.printing.text import board_text
from derive.steps import Step


@dataclass
class Identity:
    """The result of ``prove``: the chain of steps and whether LHS = RHS holds."""

    lhs: Expr
    rhs: Expr
    variable: Any
    steps: list[Step]
    proofs: list[check.Proof]

    @property
    def holds(self) -> bool:
        return all(p.ok for p in self.proofs)

    def to_text(self) -> str:
        rows = []
        for i, (step, proof) in enumerate(zip(self.steps, self.proofs, strict=True)):
            lead = board_text(self.steps[0].expr) if i == 0 else ""
            math = f"{lead} = {board_text(step.expr)}" if i else board_text(step.expr)
            rows.append(f"{math}\n    [{step.rule}] {step.why}; {proof}")
        verdict = "holds" if self.holds else "does NOT hold"
        return "\n".join(rows) + f"\n\nthe identity {verdict}\n"

    def to_latex(self) -> str:
        rows = [board_latex(s.expr) if i == 0 else f"&= {board_latex(s.expr)}" for i, s in enumerate(self.steps)]
        return "\\begin{align*}\n" + rows[0] + " " + " \\\\\n".join(rows[1:]) + "\n\\end{align*}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "lhs": str(self.lhs),
            "rhs": str(self.rhs),
            "holds": self.holds,
            "steps": [
                {"expr": str(board.strip_groups(s.expr)), "rule": s.rule, "why": s.why, "proof": str(p)}
                for s, p in zip(self.steps, self.proofs, strict=True)
            ],
        }


def prove(lhs: str | Expr, rhs: str | Expr, var: str = "z") -> Identity:
    """Prove lhs = rhs as functions of ``var`` (text goes through the whitelist parser)."""
    z = symbol(var, variable=True)
    left = parse_expression(lhs, var) if isinstance(lhs, str) else lhs
    right = parse_expression(rhs, var) if isinstance(rhs, str) else rhs
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
            steps.append(Step("lhs", shown, (rule,), why))
    reference = left.doit()
    proofs = [check.prove_equal(check.step_value(s.expr, {}), reference, z) for s in steps]
    return Identity(left, right, z, steps, proofs)


def _written_out(e: Expr) -> Expr:
    return e.rewrite(exp)
