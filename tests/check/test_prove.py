"""Identities users check: proved with steps, from Python and the CLI; false ones refused."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner
from helpers import assert_equal_functions
from sympy import Symbol, exp, expand

from derive import derive, prove
from derive.cli import main
from derive.knowledge.functions import sigmoid
from derive.knowledge.symbols import G

TRUE = [
    ("diff(softplus(z), z)", "sigmoid(z)"),
    ("tanh(z)", "2*sigmoid(2*z) - 1"),
    ("sigmoid(-z)", "1 - sigmoid(z)"),
    ("diff(sigmoid(z), z)", "sigmoid(z)*(1 - sigmoid(z))"),
    ("diff(tanh(z), z)", "1 - tanh(z)**2"),
]


@pytest.mark.parametrize("lhs, rhs", TRUE)
def test_true_identities_hold_with_every_step_proved(lhs, rhs):
    identity = prove(lhs, rhs)
    assert identity.holds
    z = identity.variable
    for step in identity.steps:
        from derive.proof.prover import step_value

        assert_equal_functions(step_value(step.expr, {}), identity.lhs.doit(), z)
    result = CliRunner().invoke(main, ["prove", lhs, rhs])
    assert result.exit_code == 0 and "holds" in result.output


@pytest.mark.parametrize("lhs, rhs", [("sigmoid(z)", "tanh(z)"), ("diff(softplus(z), z)", "tanh(z)")])
def test_false_identities_are_refused(lhs, rhs):
    assert not prove(lhs, rhs).holds
    result = CliRunner().invoke(main, ["prove", lhs, rhs])
    assert result.exit_code == 1 and "does NOT hold" in result.output


def test_bad_identity_input_is_exit_2():
    result = CliRunner().invoke(main, ["prove", "().__class__", "z"])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_swish_offers_the_mixed_form():
    z = Symbol("z", real=True)
    beta = Symbol("beta", positive=True)
    mixed = derive("swish").verdict.mixed
    assert expand(mixed - (beta * G + sigmoid(beta * z) * (1 - beta * G))) == 0
    # and it is right: g' = βg + σ(βz)(1 - βg) with g = z σ(βz)
    g = z / (1 + exp(-beta * z))
    value = mixed.subs(G, g).rewrite(exp)
    assert_equal_functions(value, g.diff(z), z)


@pytest.mark.parametrize("module", ["math", "mpmath", "numpy"])
def test_compiled_sigma_is_one_factor_of_a_quotient(module):
    # σ written out inside a product: x/σ(x) once compiled as x/1/(1 + e^{-x}), which is x·σ(x)
    from sympy import Symbol

    from derive.engine.compute import compiled
    from derive.knowledge.functions import sigmoid, softplus

    x = Symbol("x", real=True)
    assert float(compiled(x / sigmoid(x), x, module)(1.0)) == pytest.approx(1 + math.exp(-1), rel=1e-12)
    assert float(compiled(1 / softplus(x), x, module)(0.0)) == pytest.approx(1 / math.log(2), rel=1e-12)
