"""Renderers: one module per format, all over the same walk of the steps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from derive.steps import Step

if TYPE_CHECKING:
    from derive.pipeline import Derivation


@dataclass(frozen=True)
class Line:
    """A step as it is shown: ``lhs`` is set on the first line of each quantity (g(z), g'(z))."""

    index: int
    step: Step
    lhs: str | None
    proof: str | None


def walk(derivation: Derivation) -> Iterator[Line]:
    """The steps in order, with the left-hand side on the line that starts a quantity."""
    var = derivation.variable.name
    previous = None
    proofs = derivation.proofs or [None] * len(derivation.steps)
    for i, (step, proof) in enumerate(zip(derivation.steps, proofs, strict=True)):
        lhs = f"{step.quantity}({var})" if step.quantity != previous else None
        previous = step.quantity
        yield Line(i, step, lhs, str(proof) if proof is not None else None)
