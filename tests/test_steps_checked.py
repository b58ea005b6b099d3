"""Every step of every derivation the tests produce equals its quantity (g, g', ...)."""

from __future__ import annotations

import pytest
from conftest import EXPRESSIONS, LIBRARY_NAMES, assert_equal_functions, reference_value, step_value

from derive import derive


@pytest.mark.parametrize("target", LIBRARY_NAMES + EXPRESSIONS)
def test_every_step_equals_its_quantity(target):
    derivation = derive(target)
    assert derivation.steps[0].quantity == "g"
    assert any(s.quantity == "g'" for s in derivation.steps)
    for i, step in enumerate(derivation.steps):
        value = step_value(derivation, step)
        (
            assert_equal_functions(value, reference_value(derivation, step.quantity), derivation.variable),
            (f"step {i + 1}: {step.expr}"),
        )


@pytest.mark.parametrize("target", LIBRARY_NAMES + EXPRESSIONS)
def test_engine_proved_every_step(target):
    derivation = derive(target)
    assert len(derivation.proofs) == len(derivation.steps)
    assert all(p.ok for p in derivation.proofs)
    assert {p.method for p in derivation.proofs} <= {"symbolic", "numeric"}


def test_the_checker_catches_a_wrong_step():
    from sympy import Symbol, exp

    from derive.check import prove_equal

    z = Symbol("z", real=True)
    assert not prove_equal(exp(-z) / (1 + exp(-z)) ** 2, exp(-z) / (1 + exp(-z)), z).ok
    assert not prove_equal(exp(z) * 0 + z**2, z**2 + 1e-12, z).ok
