"""The pipeline's proof stage: every step of a derivation proved equal to its quantity (g by definition,
g', g'', ... by SymPy's diff), with the prover of ``derive.proof``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sympy import Expr, diff
from sympy.core.function import AppliedUndef

from derive.knowledge.symbols import g_function, quantity_name
from derive.proof.prover import Proof, prove_equal, step_value

if TYPE_CHECKING:
    from derive.pipeline import Derivation


def reference_quantities(derivation: Derivation) -> tuple[dict[str, Expr], dict[Expr, Expr]]:
    """What each step must equal (g, g', ... by SymPy's diff), and the substitutions that define g(z)."""
    f = derivation.function
    z = f.variable
    reference = {quantity_name(k): diff(f.body, z, k) for k in range(derivation.order + 1)}
    substitutions = {g_function(z): f.body}
    if isinstance(f.head, AppliedUndef):  # a name the library gave it: true by definition
        substitutions[f.head] = f.body
    return reference, substitutions


def prove_steps(derivation: Derivation) -> list[Proof]:
    """A proof for every step that it equals its quantity (g, or g' = d/dz g by SymPy's diff)."""
    f = derivation.function
    reference, substitutions = reference_quantities(derivation)
    proofs = []
    for step in derivation.steps:
        if step.expr == f.head and isinstance(f.head, AppliedUndef):
            proofs.append(Proof("symbolic", f"by definition of {f.name}"))
            continue
        value = step_value(step.expr, substitutions)
        proofs.append(prove_equal(value, reference[step.quantity], f.variable, domain=f.body))
    return proofs
