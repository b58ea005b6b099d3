"""Each step of a derivation in floating point: float32 and float64 against mpmath at 50 digits, on a
grid of z from -1000 to 1000 (``derive check --numerics``; the formulas' own measure is
``derive.proof.numerics``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sympy import Expr, Symbol

from derive.engine.compute import compiled
from derive.proof import prover
from derive.proof.numerics import DIGITS, Precision, exact_of, grid, precision_of
from derive.verify import reference_quantities

if TYPE_CHECKING:
    from derive.pipeline import Derivation


@dataclass(frozen=True)
class StepNumerics:
    index: int
    quantity: str
    precisions: tuple[Precision, ...]


def analyse(derivation: Derivation, parameters: float = 1.0) -> list[StepNumerics]:
    """For every step, float32 and float64 against mpmath at 50 digits (parameters set to ``parameters``)."""
    from derive.knowledge.symbols import G, g_function

    f = derivation.function
    z = f.variable
    reference = Reference.of(derivation, dict.fromkeys(f.body.free_symbols - {z}, parameters))
    substitutions = reference.substitutions
    g_of_var = g_function(z)
    out = []
    for i, step in enumerate(derivation.steps):
        if f.head is not None and step.expr == f.head:  # σ(z) by its name: the output, as the forward pass gives it
            value = G
        else:
            # g(z) in a step is the output kept from the forward pass: the exact g rounded to the type
            value = prover.step_value(step.expr, {**substitutions, g_of_var: G})
        out.append(StepNumerics(i, step.quantity, reference.measure(value, step.quantity)))
    return out


@dataclass(frozen=True)
class Reference:
    """The exact values of a derivation's quantities on the grid, at 50 digits, parameters given."""

    variable: Symbol
    points: tuple[float, ...]
    exact: dict[str, list]
    substitutions: dict
    parameters: dict

    @staticmethod
    def of(derivation: Derivation, parameters: dict) -> Reference:
        import mpmath

        z = derivation.function.variable
        points = tuple(grid())
        references, substitutions = reference_quantities(derivation)
        exact: dict[str, list] = {}
        with mpmath.workdps(DIGITS):
            for quantity, expr in references.items():
                function = compiled(expr.subs(parameters), z, "mpmath")
                exact[quantity] = [exact_of(function, x) for x in points]
        return Reference(z, points, exact, substitutions, parameters)

    def measure(self, value: Expr, quantity: str = "g'") -> tuple[Precision, ...]:
        """A formula for ``quantity`` in z and the output g, in float32 and float64 against the exact values."""
        import numpy as np

        points, exact, outputs = list(self.points), self.exact[quantity], self.exact["g"]
        value = value.subs(self.parameters)
        return tuple(
            precision_of(value, self.variable, points, exact, outputs, dtype, np) for dtype in ("float32", "float64")
        )
