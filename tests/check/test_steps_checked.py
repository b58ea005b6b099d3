"""Every step of every derivation the tests produce equals its quantity (g, g', ...)."""

from __future__ import annotations

import pytest
from helpers import EXPRESSIONS, LIBRARY_NAMES, assert_equal_functions, reference_value, step_value

from derive import DeriveError, derive


@pytest.mark.parametrize("target", LIBRARY_NAMES + EXPRESSIONS)
def test_every_step_equals_its_quantity(target):
    derivation = derive(target)
    assert derivation.steps[0].quantity == "g"
    assert any(s.quantity == "g'" for s in derivation.steps)
    for step in derivation.steps:
        value = step_value(derivation, step)
        # symbolic or numeric, independently of derive's checker; it fails with where the step differs
        assert_equal_functions(value, reference_value(derivation, step.quantity), derivation.variable)


@pytest.mark.parametrize("target", LIBRARY_NAMES + EXPRESSIONS)
def test_engine_proved_every_step(target):
    # recorded rather than raised, so that a failure shows which step and why
    derivation = derive(target, on_failure="record")
    assert len(derivation.proofs) == len(derivation.steps)
    assert derivation.failures == []
    assert {p.method for p in derivation.proofs} <= {"symbolic", "numeric"}


def test_a_failed_step_is_raised_or_recorded(monkeypatch):
    from derive import StepCheckError, verify
    from derive.proof.prover import Proof

    # a checker that refutes everything: every step fails, the first is raised, all are recorded
    monkeypatch.setattr(verify, "prove_equal", lambda lhs, rhs, var, **kw: Proof("failed", "differs at z = 1"))
    with pytest.raises(StepCheckError, match="step 1 of sigmoid does not hold"):
        derive("sigmoid")
    recorded = derive("sigmoid", on_failure="record")
    assert [i for i, _ in recorded.failures] == list(range(len(recorded.steps)))
    with pytest.raises(DeriveError, match="on_failure"):
        derive("sigmoid", on_failure="ignore")


def test_the_checker_catches_a_wrong_step():
    from sympy import Symbol, exp

    from derive.proof.prover import prove_equal

    z = Symbol("z", real=True)
    assert not prove_equal(exp(-z) / (1 + exp(-z)) ** 2, exp(-z) / (1 + exp(-z)), z).ok
    assert not prove_equal(exp(z) * 0 + z**2, z**2 + 1e-12, z).ok
