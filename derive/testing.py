"""Assertions for users' own tests: identities and derivations, proved as derive proves its steps.

    from derive.testing import assert_identity, assert_derivation

    def test_sigmoid_backward():
        assert_identity("diff(1/(1+exp(-z)), z)", "g*(1-g)", g="1/(1+exp(-z))")
        assert_derivation("tanh", output_form="1 - g**2")

Text is parsed through derive's whitelist (never ``eval`` or ``sympify``); a
failure is an AssertionError that names the point where the two sides differ.
"""

from __future__ import annotations

from sympy import Derivative, Expr, Symbol

from derive import check
from derive.resolve import expression
from derive.symbols import G, variable

__all__ = ["assert_identity", "assert_derivation"]


def _parse(text: str | Expr, var: str, definitions: dict[str, str | Expr]) -> Expr:
    expr = text if isinstance(text, Expr) else expression(text, var)
    for name, definition in definitions.items():
        value = definition if isinstance(definition, Expr) else expression(definition, var)
        named = [s for s in expr.free_symbols if s.name == name]
        expr = expr.xreplace(dict.fromkeys(named, value))
    return expr.replace(lambda e: isinstance(e, Derivative), lambda e: e.doit())


def assert_identity(lhs: str | Expr, rhs: str | Expr, var: str = "z", **definitions: str | Expr) -> check.Proof:
    """Assert lhs = rhs as functions of ``var``; names given as keywords (g="...") are replaced by their definitions.

    Returns the proof (symbolic, or numeric at 30 points and 50 digits).
    """
    z = variable(var)
    left, right = _parse(lhs, var, definitions), _parse(rhs, var, definitions)
    left, right = (e.xreplace({Symbol(var): z}) for e in (left, right))
    proof = check.prove_equal(left, right, z)
    if not proof.ok:
        raise AssertionError(f"{lhs} = {rhs} does not hold: {proof.detail}")
    return proof


def assert_derivation(target: str | Expr, var: str = "z", order: int = 1, output_form: str | None = None):
    """Assert that derive proves every step of ``target``; with ``output_form``, that g^(order) = F(g) is it.

    ``output_form`` is F in the symbol g ("g*(1-g)"); it is compared by proof, not as text.
    Returns the derivation.
    """
    from derive.pipeline import derive
    from derive.printing.text import board_text

    derivation = derive(target, var=var, order=order, on_failure="record")
    for i, proof in derivation.failures:
        raise AssertionError(f"step {i + 1} of {derivation.name} ({derivation.steps[i].expr}) fails: {proof.detail}")
    if output_form is not None:
        found = derivation.output_form
        if found is None:
            raise AssertionError(
                f"{derivation.name}: no output form ({derivation.verdict.summary().fill(board_text)}); "
                f"expected {output_form}"
            )
        want = expression(output_form, "g").xreplace({variable("g"): G})
        want = want.xreplace({s: G for s in want.free_symbols if s.name == "g"})
        body = derivation.function.body
        proof = check.prove_equal(found.subs(G, body), want.subs(G, body), derivation.variable)
        if not proof.ok:
            raise AssertionError(f"{derivation.name}: the output form is {found}, not {output_form}: {proof.detail}")
    return derivation
