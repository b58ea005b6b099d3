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

from sympy import Expr, Symbol, exp

from derive.engine import board
from derive.engine.reasons import Note, Reason, equation
from derive.engine.steps import Step
from derive.errors import DeriveError
from derive.knowledge.activations import names
from derive.knowledge.symbols import variable
from derive.proof import prover
from derive.reading import read
from derive.reading.resolve import inferred_variable, library_function


@dataclass
class Identity:
    """The result of ``prove``: the chain of steps and whether LHS = RHS holds."""

    lhs: Expr
    rhs: Expr
    variable: Any
    steps: list[Step]
    proofs: list[prover.Proof]

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


def prove(lhs: str | Expr, rhs: str | Expr, var: str | None = None) -> Identity:
    """Prove lhs = rhs as functions of ``var`` (text goes through derive's readers; a derivative written
    on either side, d/dz or \frac{d}{dz}, stays an operator: its evaluation is a line of the chain).

    Without ``var`` the variable is the one a side names (d/dx, f(x) = ...), else z, else the one the
    sides use (as derive() chooses it)."""
    var = var or _variable_of(lhs, rhs)
    z = variable(var)
    left = _side(lhs, var)
    right = _side(rhs, var)
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
    proofs = [prover.prove_equal(prover.step_value(s.expr, {}), reference, z) for s in steps]
    return Identity(left, right, z, steps, proofs)


def _side(side: str | Expr, var: str) -> Expr:
    if not isinstance(side, str):
        return side.subs(Symbol(var), variable(var))
    reading = read(side, var, "auto", library_function, names())
    if reading.order:
        raise DeriveError(f'"{side}" defines a derivative: give each side as an expression')
    return reading.expr


def _variable_of(lhs: str | Expr, rhs: str | Expr) -> str:
    """The variable the sides name (d/dx), else z, else the one they use."""
    texts = [side for side in (lhs, rhs) if isinstance(side, str)]
    readings = [read(side, None, "auto", library_function, names()) for side in texts]
    named = {r.variable for r in readings if r.variable is not None}
    if len(named) > 1:
        raise DeriveError(f"the two sides name different variables ({' and '.join(sorted(named))})")
    if named:
        return named.pop()
    used = set().union(*(r.expr.free_symbols for r in readings)) if readings else set()
    used |= set().union(*(side.free_symbols for side in (lhs, rhs) if isinstance(side, Expr)))
    if any(s.name == "z" for s in used):
        return "z"
    from sympy import Add

    return inferred_variable(Add(*used)) or "z"


def _written_out(e: Expr) -> Expr:
    return e.rewrite(exp)
