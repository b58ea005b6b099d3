"""Issue 5: `derive check` (with --numerics) and derive.testing, used here as users would use them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import LIBRARY_NAMES

from derive import derive
from derive.cli import main
from derive.engine import steps
from derive.testing import assert_derivation, assert_identity
from derive.verify.numerics import analyse

runner = CliRunner()


@pytest.mark.parametrize("target", LIBRARY_NAMES + ["z*tanh(log(1+exp(z)))"])
def test_check_passes_on_the_library(target):
    result = runner.invoke(main, ["check", target])
    assert result.exit_code == 0, result.output
    n = len(derive(target).steps)
    assert f"{n} of {n} steps proved" in result.output
    assert result.output.count("ok: symbolic") + result.output.count("ok: numeric") == n


def test_check_says_how_each_step_was_proved():
    out = runner.invoke(main, ["check", "sigmoid"]).output
    assert "ok: symbolic: identical after evaluation" in out and "ok: symbolic: cancel" in out
    out = runner.invoke(main, ["check", "celu"]).output  # SymPy cannot decide exp(-1/α) < 1 for every α > 0
    assert "ok: numeric: 30 random points, 50 digits, worst relative error" in out
    out = runner.invoke(main, ["check", "elu"]).output
    assert "by intervals: 2 pieces (split at z = 0)" in out


def test_check_exits_1_on_a_wrong_step(monkeypatch):
    real = steps.derivative_steps

    def broken(tree, order=1):
        lines = real(tree, order)
        last = lines[-1]
        return [*lines[:-1], steps.Step(last.quantity, last.expr * 2, last.rules, last.why)]

    monkeypatch.setattr(steps, "derivative_steps", broken)
    result = runner.invoke(main, ["check", "sigmoid"])
    assert result.exit_code == 1
    assert "FAILED: failed: differs at z = " in result.output and "; 1 FAILED" in result.output


def test_numerics_show_why_the_output_form_is_the_one_to_code():
    d = derive("sigmoid")
    rows = analyse(d)
    quotient, output = rows[3], rows[-1]  # (-1)/(1 + e^{-z})² (-e^{-z}), and g(1 - g)
    q64 = quotient.precisions[1]
    assert q64.dtype == "float64" and q64.non_finite and q64.non_finite[0][0] == -1000 and q64.non_finite[0][1] < -700
    assert all(not p.non_finite for p in output.precisions)
    assert output.precisions[1].worst_absolute_error < 1e-15 and output.precisions[0].worst_absolute_error < 1e-6
    out = runner.invoke(main, ["check", "tanh", "--numerics"]).output
    assert "float32:" in out and "inf/NaN at" in out and "z in [-1000, -355], [355, 1000]" in out


def test_assert_identity_passes_and_fails_readably():
    assert_identity("diff(1/(1+exp(-z)), z)", "g*(1-g)", g="1/(1+exp(-z))")
    assert_identity("tanh(z)", "2*sigmoid(2*z) - 1")
    assert_identity("diff(log(1+exp(z)), z)", "sigmoid(z)")
    assert_identity("sigmoid(-z)", "1 - sigmoid(z)")
    assert assert_identity("diff(tanh(z), z)", "1 - g**2", g="tanh(z)").method == "symbolic"
    with pytest.raises(AssertionError, match=r"does not hold: differs at z = -?[0-9.]+: .* against .*relative error"):
        assert_identity("diff(tanh(z), z)", "1 - g**3", g="tanh(z)")
    with pytest.raises(Exception, match="not allowed|unknown|cannot|unexpected"):
        assert_identity("__import__('os')", "1")


@pytest.mark.parametrize(
    "name, form",
    [("sigmoid", "g*(1-g)"), ("tanh", "1-g**2"), ("selu", "Piecewise((lambda, g > 0), (g + lambda*alpha, True))")],
)
def test_assert_derivation(name, form):
    d = assert_derivation(name, output_form=form)
    assert d.name == name and d.output_form is not None


def test_assert_derivation_catches_a_wrong_form():
    with pytest.raises(AssertionError, match="the output form is"):
        assert_derivation("softsign", output_form="1 - g**2")  # the textbook slip
    with pytest.raises(AssertionError, match="no output form"):
        assert_derivation("swish", output_form="g")
