"""Higher derivatives, each derived from the one before, every step proved."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from helpers import assert_equal_functions, reference_value, step_value
from sympy import expand

from derive import DeriveError, derive
from derive.cli import main
from derive.knowledge.symbols import G


@pytest.mark.parametrize(
    "name, order, expected",
    [
        ("sigmoid", 2, G * (1 - G) * (1 - 2 * G)),
        ("tanh", 2, -2 * G * (1 - G**2)),
        ("sigmoid", 3, G * (1 - G) * (1 - 6 * G + 6 * G**2)),
        ("tanh", 3, (1 - G**2) * (6 * G**2 - 2)),
        ("exp", 4, G),
    ],
)
def test_higher_output_forms(name, order, expected):
    assert expand(derive(name, order=order).output_form - expected) == 0


@pytest.mark.parametrize("target, order", [("sigmoid", 4), ("tanh", 3), ("elu", 2), ("swish", 2), ("softplus", 3)])
def test_every_higher_step_is_proved(target, order):
    d = derive(target, order=order, on_failure="record")
    quantities = [s.quantity for s in d.steps]
    assert quantities[-1] == "g" + "'" * order
    assert d.failures == []
    for step in d.steps:
        assert_equal_functions(step_value(d, step), reference_value(d, step.quantity), d.variable)


def test_json_quantities_and_limits():
    out = CliRunner().invoke(main, ["steps", "sigmoid", "--order", "2", "--format", "json"]).output
    data = json.loads(out)
    assert {s["quantity"] for s in data["steps"]} == {"g", "g'", "g''"}
    assert data["steps"][-1]["latex"].startswith("=")
    assert any(s["latex"].startswith("g''(z) =") for s in data["steps"])
    with pytest.raises(DeriveError):
        derive("sigmoid", order=5)
    assert CliRunner().invoke(main, ["steps", "sigmoid", "--order", "5"]).exit_code == 2
